package cli

// Issue 17, finding 3: POST /v1/setup/network replaced the network file
// at any time, while the node's stake sat in the old network's contracts.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/daemon"
	"github.com/hydrogen-network/hydrogen/nodecore/localapi"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
)

// f3Wallet is a node whose wallet, as the chain sees it, the test sets;
// the API asks nothing else of it here.
type f3Wallet struct {
	localapi.Node
	mu  sync.Mutex // guards w, err
	w   node.WalletInfo
	err error
}

func (f *f3Wallet) Wallet(context.Context) (node.WalletInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w, f.err
}

func (f *f3Wallet) set(w node.WalletInfo, err error) {
	f.mu.Lock()
	f.w, f.err = w, err
	f.mu.Unlock()
}

// f3File is a network file on the devnet's chain id naming registry.
func f3File(t *testing.T, registry string, edit func(*chain.Network)) json.RawMessage {
	t.Helper()
	n := chain.Network{
		ChainID: (*hexutil.Big)(big.NewInt(chain.DevnetChainID)), Name: "net " + registry,
		Registry: common.HexToAddress(registry), Tasks: common.HexToAddress("0x00000000000000000000000000000000000000f2"),
		Params: chain.DefaultParams(), RPC: "ws://127.0.0.1:8546", Relay: "http://127.0.0.1:8547",
	}
	if edit != nil {
		edit(&n)
	}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// f3Serve serves the first run's API over a socket, the node attached
// when nd is not nil.
func f3Serve(t *testing.T, data string, nd localapi.Node) *api.Client {
	t.Helper()
	dir, err := os.MkdirTemp("", "hf3")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "api.sock")
	access := localapi.Access{Owner: uint32(os.Geteuid()), Group: uint32(os.Getegid())}
	ln, err := localapi.Open(sock, access)
	if err != nil {
		t.Fatal(err)
	}
	srv := &localapi.Server{Setup: daemon.NewSetup(data, filepath.Join(data, "network.json"), filepath.Join(data, "passphrase"), "", scryptParams()), Node: nd, Access: access}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return &api.Client{Socket: sock}
}

// TestFinding3NetworkNotReplacedAfterSetup: once a network is set up, the
// API replaces it only with the owner's confirmation (replace), and never
// while the node is in it or its stake or fees are still in its
// contracts.
func TestFinding3NetworkNotReplacedAfterSetup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := t.TempDir()
	netFile := filepath.Join(data, "network.json")
	first := f3File(t, "0x00000000000000000000000000000000000000a1", nil)
	evil := f3File(t, "0x00000000000000000000000000000000000000e1", nil)
	onDisk := func() string {
		t.Helper()
		n, err := chain.LoadNetwork(netFile)
		if err != nil {
			t.Fatal(err)
		}
		return n.Registry.Hex()
	}
	want := func(step string, err error, code string, registry string) {
		t.Helper()
		if code == "" && err != nil || code != "" && !api.IsCode(err, code) {
			t.Fatalf("%s: want %q, got %v", step, code, err)
		}
		if got := onDisk(); got != common.HexToAddress(registry).Hex() {
			t.Fatalf("%s: the network file names registry %s, want %s", step, got, registry)
		}
	}

	// Setup mode, no node: the first network is set; another needs the
	// owner's confirmation.
	c := f3Serve(t, data, nil)
	_, err := c.SetupNetwork(ctx, api.NetworkSetup{File: first})
	want("first network", err, "", "0xa1")
	_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: evil})
	want("replaced unasked", err, api.CodeNetworkSet, "0xa1")
	_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: first, Replace: true})
	want("replaced, confirmed, no node", err, "", "0xa1")

	// The node runs: while it holds anything in the network, not even a
	// confirmed replacement goes through.
	nd := &f3Wallet{}
	c = f3Serve(t, data, nd)
	for _, w := range []struct {
		name string
		w    node.WalletInfo
	}{
		{"in the network", node.WalletInfo{State: chain.NodeAvailable, Stake: big.NewInt(1e18)}},
		{"paused", node.WalletInfo{State: chain.NodePaused, Stake: big.NewInt(1e18)}},
		{"quitting", node.WalletInfo{State: chain.NodePendingQuit, Stake: big.NewInt(1e18)}},
		{"quit, stake unbonding", node.WalletInfo{State: chain.NodeQuit, Unbonding: big.NewInt(1e18)}},
		{"quit, stake returned, not withdrawn", node.WalletInfo{State: chain.NodeQuit, Returned: big.NewInt(1)}},
		{"quit, fees owed", node.WalletInfo{State: chain.NodeQuit, Owed: big.NewInt(1)}},
	} {
		nd.set(w.w, nil)
		_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: evil})
		want(w.name+", unasked", err, api.CodeNetworkSet, "0xa1")
		_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: evil, Replace: true})
		want(w.name+", confirmed", err, api.CodeStaked, "0xa1")
	}
	nd.set(node.WalletInfo{}, errors.New("dial tcp: connection refused"))
	_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: evil, Replace: true})
	want("chain down", err, api.CodeChain, "0xa1")

	// Left, everything back in the wallet: the owner's confirmed
	// replacement is written (and applies at the next start).
	nd.set(node.WalletInfo{State: chain.NodeQuit, Stake: new(big.Int), Unbonding: new(big.Int), Returned: new(big.Int), Owed: new(big.Int), Balance: big.NewInt(5e18)}, nil)
	_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: evil})
	want("left, unasked", err, api.CodeNetworkSet, "0xa1")
	_, err = c.SetupNetwork(ctx, api.NetworkSetup{File: evil, Replace: true})
	want("left, confirmed", err, "", "0xe1")
}

// TestNetworkFileEndpointsThroughTheAPI: the first run refuses a network
// file whose endpoints the node must not use, an IPC endpoint among them
// (a file from the API never points the daemon at a local socket), with
// codes the app can translate, and writes nothing.
func TestNetworkFileEndpointsThroughTheAPI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := t.TempDir()
	c := f3Serve(t, data, nil)
	for _, bad := range []struct {
		name string
		edit func(*chain.Network)
		code string
	}{
		{"IPC to Docker", func(n *chain.Network) { n.RPC = "/var/run/docker.sock" }, api.CodeBadEndpoint},
		{"IPC in the data directory", func(n *chain.Network) { n.RPC = filepath.Join(data, "geth.ipc") }, api.CodeBadEndpoint},
		{"metadata relay", func(n *chain.Network) { n.Relay = "http://169.254.169.254/latest" }, api.CodeBadEndpoint},
		{"plain http to the LAN off a devnet", func(n *chain.Network) {
			n.ChainID = (*hexutil.Big)(big.NewInt(8453))
			n.RPC, n.Relay, n.Faucet = "http://192.168.1.2:8545", "https://relay.example.org", ""
		}, api.CodeBadEndpoint},
		{"faucet off a devnet", func(n *chain.Network) {
			n.ChainID = (*hexutil.Big)(big.NewInt(8453))
			n.RPC, n.Relay, n.Faucet = "https://rpc.example.org", "https://relay.example.org", "https://faucet.example.org"
		}, api.CodeBadEndpoint},
	} {
		_, err := c.SetupNetwork(ctx, api.NetworkSetup{File: f3File(t, "0x00000000000000000000000000000000000000a1", bad.edit)})
		if !api.IsCode(err, bad.code) {
			t.Errorf("%s: want %s, got %v", bad.name, bad.code, err)
		}
		if _, err := os.Stat(filepath.Join(data, "network.json")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s: a network file was written (%v)", bad.name, err)
		}
	}
	// The demo network's kind of file is fine.
	if _, err := c.SetupNetwork(ctx, api.NetworkSetup{File: f3File(t, "0x00000000000000000000000000000000000000a1", func(n *chain.Network) {
		n.Faucet = "http://127.0.0.1:8547/v1/faucet"
	})}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(data, "network.json"))
	if err != nil || !bytes.Contains(b, []byte("/v1/faucet")) {
		t.Fatalf("network file: %v\n%s", err, b)
	}
}
