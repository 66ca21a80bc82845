package gethtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
	"github.com/hydrogen-network/hydrogen/nodecore/cli"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
)

// TestRelayCommandOnGeth runs `hydrogend relay` against geth: the creator
// stores a task's arguments, a selected node reads them, a stranger cannot.
func TestRelayCommandOnGeth(t *testing.T) {
	g := startGeth(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	keys := make([]*ecdsa.PrivateKey, 6) // deployer, three nodes, app, stranger
	var addrs []common.Address
	for i := range keys {
		keys[i], _ = crypto.GenerateKey()
		addrs = append(addrs, crypto.PubkeyToAddress(keys[i].PublicKey))
	}
	raw, err := rpc.DialContext(ctx, g.httpURL)
	if err != nil {
		t.Fatal(err)
	}
	g.fund(ctx, raw, addrs, simchain.Eth(10))
	raw.Close()
	ec, err := ethclient.DialContext(ctx, g.httpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	client := func(k *ecdsa.PrivateKey, n *chain.Network) *chain.Client {
		tx, err := chain.NewTransactor(ctx, ec, k, nil, chain.ProtocolABIs()...)
		if err != nil {
			t.Fatal(err)
		}
		tx.PollInterval = 100 * time.Millisecond
		if n == nil {
			net, err := chain.Deploy(ctx, tx, chain.DefaultParams())
			if err != nil {
				t.Fatal(err)
			}
			return chain.NewClient(ec, net, tx)
		}
		return chain.NewClient(ec, n, tx)
	}
	network := client(keys[0], nil).Network()
	netFile := filepath.Join(t.TempDir(), "network.json")
	if err := network.Save(netFile); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys[1:4] {
		if _, err := client(k, network).Join(ctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: chain.Version{Major: 1}, Stake: simchain.Eth(1)}); err != nil {
			t.Fatal(err)
		}
	}
	args := []byte(`{"prompt":"a lighthouse at dusk","seed":7}`)
	spec := chain.Spec{Type: chain.TaskImage, ArgsHash: relay.ArgsHash(args), MinVRAMMiB: 8192, Version: chain.Version{Major: 1}}
	id, nodes, _, err := client(keys[4], network).CreateTask(ctx, spec, 600, simchain.Eth(1))
	if err != nil {
		t.Fatal(err)
	}

	rctx, stopRelay := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() {
		exit <- cli.Run(rctx, []string{"relay", "-data", t.TempDir(), "-rpc", g.wsURL, "-network", netFile, "-listen", "127.0.0.1:0"}, pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("relay printed no address: %v\n%s", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url := strings.TrimSpace(strings.TrimPrefix(line, "relay listening on "))

	if err := relay.NewClient(url, keys[4]).PutArgs(ctx, id, args); err != nil {
		t.Fatal(err)
	}
	var node *ecdsa.PrivateKey
	for i, a := range addrs[1:4] {
		if a == nodes[0] {
			node = keys[1+i]
		}
	}
	got, err := relay.NewClient(url, node).GetArgs(ctx, id)
	if err != nil || !bytes.Equal(got, args) {
		t.Fatalf("node read %q, %v", got, err)
	}
	if _, err := relay.NewClient(url, keys[5]).GetArgs(ctx, id); err == nil || !strings.Contains(err.Error(), relay.CodeForbidden) {
		t.Fatalf("a stranger read the arguments: %v", err)
	}
	stopRelay()
	if code := <-exit; code != 0 {
		t.Fatalf("relay exit %d:\n%s", code, stderr.String())
	}
}
