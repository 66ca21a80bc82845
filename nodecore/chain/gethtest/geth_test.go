package gethtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
	"github.com/hydrogen-network/hydrogen/nodecore/cli"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

// gethBinary finds geth: $HYDROGEN_GETH, else bin/geth at the repository root.
func gethBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HYDROGEN_GETH"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../../../bin/geth")
	_, err := os.Stat(p)
	testenv.Requiref(t, err == nil, "geth is missing at %s: run scripts/setup", p)
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// geth is a geth --dev process on loopback ports.
type geth struct {
	t       *testing.T
	bin     string
	dir     string
	ports   [4]int // http, ws, authrpc, p2p
	cmd     *exec.Cmd
	exited  chan struct{}
	logs    bytes.Buffer
	logsMu  sync.Mutex
	httpURL string
	wsURL   string
}

func startGeth(t *testing.T) *geth {
	g := &geth{t: t, bin: gethBinary(t), dir: t.TempDir()}
	for i := range g.ports {
		g.ports[i] = freePort(t)
	}
	g.httpURL = fmt.Sprintf("http://127.0.0.1:%d", g.ports[0])
	g.wsURL = fmt.Sprintf("ws://127.0.0.1:%d", g.ports[1])
	g.start()
	t.Cleanup(g.stop)
	return g
}

func (g *geth) Write(p []byte) (int, error) {
	g.logsMu.Lock()
	defer g.logsMu.Unlock()
	return g.logs.Write(p)
}

func (g *geth) start() {
	g.t.Helper()
	g.cmd = exec.Command(g.bin, "--dev", "--dev.period", "1", "--datadir", g.dir,
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(g.ports[0]), "--http.api", "eth,net,web3",
		"--ws", "--ws.addr", "127.0.0.1", "--ws.port", strconv.Itoa(g.ports[1]), "--ws.api", "eth,net,web3",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", strconv.Itoa(g.ports[2]),
		"--port", strconv.Itoa(g.ports[3]), "--nodiscover", "--maxpeers", "0", "--ipcdisable", "--verbosity", "2")
	g.cmd.Stdout, g.cmd.Stderr = g, g
	if err := g.cmd.Start(); err != nil {
		g.t.Fatal(err)
	}
	g.exited = make(chan struct{})
	go func() { _ = g.cmd.Wait(); close(g.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := ethclient.Dial(g.httpURL)
		if err == nil {
			_, err = c.ChainID(context.Background())
			c.Close()
			if err == nil {
				return
			}
		}
		select {
		case <-g.exited:
			g.t.Fatalf("geth exited at start:\n%s", g.output())
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("geth did not answer in 60 s:\n%s", g.output())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (g *geth) stop() {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	_ = g.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-g.exited:
	case <-time.After(30 * time.Second):
		_ = g.cmd.Process.Kill()
		<-g.exited
	}
	g.cmd = nil
}

func (g *geth) output() string {
	g.logsMu.Lock()
	defer g.logsMu.Unlock()
	return g.logs.String()
}

// fund sends value from geth's unlocked dev account to each address.
func (g *geth) fund(ctx context.Context, c *rpc.Client, to []common.Address, value *big.Int) {
	g.t.Helper()
	var accts []common.Address
	if err := c.CallContext(ctx, &accts, "eth_accounts"); err != nil || len(accts) == 0 {
		g.t.Fatalf("dev account: %v %v", accts, err)
	}
	// Explicit nonces: geth may hand two quick sends the same one.
	var nonce hexutil.Uint64
	if err := c.CallContext(ctx, &nonce, "eth_getTransactionCount", accts[0], "pending"); err != nil {
		g.t.Fatal(err)
	}
	var hashes []common.Hash
	for i, a := range to {
		var h common.Hash
		err := c.CallContext(ctx, &h, "eth_sendTransaction", map[string]any{
			"from": accts[0], "to": a, "value": (*hexutil.Big)(value), "nonce": nonce + hexutil.Uint64(i),
		})
		if err != nil {
			g.t.Fatalf("fund %s: %v", a, err)
		}
		hashes = append(hashes, h)
	}
	ec := ethclient.NewClient(c)
	for _, h := range hashes {
		for {
			if _, err := ec.TransactionReceipt(ctx, h); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestProtocolOnGeth deploys with `hydrogend deploy`, runs a task over
// WebSocket with the event stream running, restarts geth, and runs
// another: the stream reconnects and delivers every log exactly once.
func TestProtocolOnGeth(t *testing.T) {
	g := startGeth(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	keys := make([]*ecdsa.PrivateKey, 5) // deployer, three nodes, an app
	var addrs []common.Address
	for i := range keys {
		keys[i], _ = crypto.GenerateKey()
		addrs = append(addrs, crypto.PubkeyToAddress(keys[i].PublicKey))
	}
	raw, err := rpc.DialContext(ctx, g.httpURL)
	if err != nil {
		t.Fatal(err)
	}
	g.fund(ctx, raw, addrs, simchain.Eth(100))
	raw.Close()

	// Deploy through the command line, as an operator would.
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "deployer.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(keys[0]))), 0o600); err != nil {
		t.Fatal(err)
	}
	netFile := filepath.Join(dir, "network.json")
	var out, errb bytes.Buffer
	if code := cli.Run(ctx, []string{"deploy", "-rpc", g.wsURL, "-key", keyFile, "-out", netFile}, &out, &errb); code != 0 {
		t.Fatalf("deploy exit %d:\n%s%s", code, out.String(), errb.String())
	}
	if bytes.Contains(out.Bytes(), []byte(hex.EncodeToString(crypto.FromECDSA(keys[0])))) || bytes.Contains(errb.Bytes(), []byte(hex.EncodeToString(crypto.FromECDSA(keys[0])))) {
		t.Fatal("deploy printed the key")
	}
	network, err := chain.LoadNetwork(netFile)
	if err != nil {
		t.Fatal(err)
	}
	if network.ChainID.ToInt().Int64() != 1337 {
		t.Errorf("chain id %s, want geth --dev's 1337", network.ChainID.ToInt())
	}

	ws, err := ethclient.DialContext(ctx, g.wsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	clients := map[common.Address]*chain.Client{}
	for i, k := range keys[1:] {
		tx, err := chain.NewTransactor(ctx, ws, k, nil, chain.ProtocolABIs()...)
		if err != nil {
			t.Fatal(err)
		}
		tx.PollInterval = 100 * time.Millisecond
		clients[addrs[i+1]] = chain.NewClient(ws, network, tx)
	}
	app := clients[addrs[4]]
	for _, a := range addrs[1:4] {
		_, err := clients[a].Join(ctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: chain.Version{Major: 1}, Stake: simchain.Eth(1)})
		if err != nil {
			t.Fatal(err)
		}
	}

	// The event stream, over the same WebSocket connection.
	var mu sync.Mutex
	seen := map[[2]uint64]int{}
	stream := chain.NewStream(ws, network, chain.FileCursor(filepath.Join(dir, "cursor.json")), nil)
	stream.PollInterval = 200 * time.Millisecond
	sctx, stopStream := context.WithCancel(ctx)
	streamDone := make(chan error, 1)
	go func() {
		streamDone <- stream.Run(sctx, func(_ context.Context, l types.Log) error {
			mu.Lock()
			defer mu.Unlock()
			seen[[2]uint64{l.BlockNumber, uint64(l.Index)}]++
			return nil
		})
	}()

	spec := chain.Spec{Type: chain.TaskImage, ArgsHash: common.HexToHash("0x01"), MinVRAMMiB: 8192, Version: chain.Version{Major: 1}}
	nodeClient := func(a common.Address) *chain.Client { return clients[a] }
	run, err := simchain.RunHonestTask(ctx, app, nodeClient, spec, big.NewInt(1e15))
	if err != nil {
		t.Fatal(err)
	}
	if ti, err := app.Task(ctx, run.ID); err != nil || ti.State != chain.TaskDone {
		t.Fatalf("first task: %+v %v", ti, err)
	}

	// Forced reconnect: geth goes away and comes back on the same ports.
	g.stop()
	time.Sleep(500 * time.Millisecond)
	g.start()

	run2, err := simchain.RunHonestTask(ctx, app, nodeClient, spec, big.NewInt(1e15))
	if err != nil {
		t.Fatalf("task after the restart: %v\n%s", err, g.output())
	}
	if ti, err := app.Task(ctx, run2.ID); err != nil || ti.State != chain.TaskDone {
		t.Fatalf("second task: %+v %v", ti, err)
	}

	// Every protocol log must reach the stream exactly once.
	hc, err := ethclient.DialContext(ctx, g.httpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	all, err := hc.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(network.DeployBlock),
		Addresses: []common.Address{network.Registry, network.Tasks},
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n >= len(all) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream delivered %d of %d logs", n, len(all))
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopStream()
	if err := <-streamDone; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, l := range all {
		if c := seen[[2]uint64{l.BlockNumber, uint64(l.Index)}]; c != 1 {
			t.Errorf("log %d/%d delivered %d times", l.BlockNumber, l.Index, c)
		}
	}
	if len(seen) != len(all) {
		t.Errorf("stream delivered %d distinct logs, the chain has %d", len(seen), len(all))
	}
}
