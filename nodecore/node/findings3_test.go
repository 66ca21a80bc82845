package node

// Issue 17, finding 3: a malicious network file must not redirect the
// node's money. The stake is what the verified registry asks, within the
// owner's limit; contracts that are not this release's are refused before
// anything is staked.

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// f3Node is a node run on a network file of the test's making.
type f3Node struct {
	node    *Node
	done    chan error
	mu      sync.Mutex // guards reasons
	reasons []Reason   // every reason the node's watch stream showed
}

// saw reports whether the watch stream showed r (within a few seconds:
// the stream runs behind the node).
func (f *f3Node) saw(r Reason) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		f.mu.Lock()
		seen := slices.Contains(f.reasons, r)
		f.mu.Unlock()
		if seen {
			return true
		}
	}
	return false
}

func (f *f3Node) seen() []Reason {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reasons)
}

// f3Start runs a node of key on network (a file's view of the chain
// behind backend) with cfg's stake settings, recording the reasons it
// shows.
func f3Start(t *testing.T, b *simchain.Backend, network *chain.Network, acct *simchain.Account, edit func(*Config)) *f3Node {
	t.Helper()
	l, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Backend: b, Network: network, Key: acct.Key, Engine: reference.Engine{}, Ledger: l,
		GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: chain.Version{Major: 1},
		Poll: 20 * time.Millisecond, Log: testLog(),
	}
	if edit != nil {
		edit(&cfg)
	}
	nd, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &f3Node{node: nd, done: make(chan error, 1)}
	watch := nd.Watch(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		for n := range watch {
			f.mu.Lock()
			if len(f.reasons) == 0 || f.reasons[len(f.reasons)-1] != n.Reason {
				f.reasons = append(f.reasons, n.Reason)
			}
			f.mu.Unlock()
		}
	}()
	go func() { f.done <- nd.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-f.done:
		case <-time.After(20 * time.Second):
			t.Error("the node did not stop")
		}
		<-watching
		l.Close()
	})
	return f
}

// wait waits for Run to return.
func (f *f3Node) wait(t *testing.T, d time.Duration) (error, bool) {
	t.Helper()
	select {
	case err := <-f.done:
		f.done <- err // for the cleanup
		return err, true
	case <-time.After(d):
		return nil, false
	}
}

// f3Chain is a chain deployed with p whose accounts hold 5000 coins.
func f3Chain(t *testing.T, p chain.Params) *simchain.Net {
	t.Helper()
	n, err := simchain.StartWith(2, &p, simchain.Options{Funds: simchain.Eth(5000)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

func onChainStake(t *testing.T, n *simchain.Net, addr common.Address) chain.NodeInfo {
	t.Helper()
	info, err := n.Deployer.Client.Node(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestFinding3StakeReadFromChain: a network file claiming a minimum stake
// of 1000 coins makes the node stake what the registry asks (1 coin), not
// the file's figure; a registry asking more than the owner's limit gets
// nothing until the owner raises it.
func TestFinding3StakeReadFromChain(t *testing.T) {
	ctx := context.Background()
	t.Run("the file's minimum is ignored", func(t *testing.T) {
		n := f3Chain(t, *testParams())
		lying := *n.Network
		lying.Params.Registry.MinStake = simchain.Eth(1000)
		acct := n.Accounts[0]
		f := f3Start(t, n.Backend, &lying, acct, nil)
		deadline := time.Now().Add(20 * time.Second)
		for onChainStake(t, n, acct.Addr).State == chain.NodeQuit {
			if err, done := f.wait(t, 0); done {
				t.Fatalf("the node stopped: %v", err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the node did not join: %+v", f.node.Snapshot())
			}
			time.Sleep(20 * time.Millisecond)
		}
		info := onChainStake(t, n, acct.Addr)
		if info.Stake.Cmp(simchain.Eth(1)) != 0 {
			t.Fatalf("staked %s wei: the registry asks 1 coin, the file said 1000", info.Stake)
		}
		bal, err := n.Backend.BalanceAt(ctx, acct.Addr, nil)
		if err != nil || bal.Cmp(simchain.Eth(4998)) < 0 {
			t.Fatalf("balance %s after staking: %v", bal, err)
		}
	})
	t.Run("above the owner's limit nothing is staked", func(t *testing.T) {
		p := *testParams()
		p.Registry.MinStake = simchain.Eth(5)
		n := f3Chain(t, p)
		// The file understates what the registry asks.
		lying := *n.Network
		lying.Params.Registry.MinStake = simchain.Eth(1)
		acct := n.Accounts[0]
		before, err := n.Backend.BalanceAt(ctx, acct.Addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		f := f3Start(t, n.Backend, &lying, acct, nil)
		err, done := f.wait(t, 20*time.Second)
		if !done || !errors.Is(err, ErrStakeLimit) || !f.saw(ReasonStakeLimit) {
			t.Fatalf("stopped %v with %v, reasons %v; want ErrStakeLimit and %s", done, err, f.seen(), ReasonStakeLimit)
		}
		if info := onChainStake(t, n, acct.Addr); info.State != chain.NodeQuit || info.Stake.Sign() != 0 {
			t.Fatalf("on chain: %+v", info)
		}
		if after, err := n.Backend.BalanceAt(ctx, acct.Addr, nil); err != nil || after.Cmp(before) != 0 {
			t.Fatalf("balance %s, was %s: %v", after, before, err)
		}
		// The owner raises the limit: the node stakes what the registry asks.
		acct2 := n.Accounts[1]
		f3Start(t, n.Backend, &lying, acct2, func(c *Config) { c.MaxStake = simchain.Eth(10) })
		deadline := time.Now().Add(20 * time.Second)
		for onChainStake(t, n, acct2.Addr).State == chain.NodeQuit {
			if time.Now().After(deadline) {
				t.Fatal("the node did not join with the limit raised")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if info := onChainStake(t, n, acct2.Addr); info.Stake.Cmp(simchain.Eth(5)) != 0 {
			t.Fatalf("staked %s wei, the registry asks 5 coins", info.Stake)
		}
	})
}

// f3AttackerInit deploys a contract that answers every call, value or
// not, with 1 KiB of zeros: to an unchecked node it looks like a registry
// where the node is out of the network and owes nothing, so the node
// "joins" it and the stake is the attacker's.
var f3AttackerInit = common.FromHex("0x65" + "6104006000f3" + "600052" + "6006601af3")

// TestFinding3ContractCodeChecked: a network file whose registry is
// another contract (an attacker's that accepts any stake) is refused
// before anything is staked, with its reason.
func TestFinding3ContractCodeChecked(t *testing.T) {
	ctx := context.Background()
	n := f3Chain(t, *testParams())
	rcpt, err := n.Deployer.Tx.Send(ctx, nil, f3AttackerInit, nil)
	if err != nil {
		t.Fatal(err)
	}
	attacker := rcpt.ContractAddress
	evil := *n.Network
	evil.Registry = attacker
	acct := n.Accounts[0]
	before, err := n.Backend.BalanceAt(ctx, acct.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := f3Start(t, n.Backend, &evil, acct, nil)
	err, done := f.wait(t, 20*time.Second)
	got, berr := n.Backend.BalanceAt(ctx, attacker, nil)
	if berr != nil {
		t.Fatal(berr)
	}
	if got.Sign() != 0 {
		t.Fatalf("the attacker's contract received %s wei", got)
	}
	if !done || !errors.Is(err, chain.ErrContractCode) || !f.saw(ReasonWrongContracts) {
		t.Fatalf("stopped %v with %v, reasons %v; want ErrContractCode and %s", done, err, f.seen(), ReasonWrongContracts)
	}
	if after, err := n.Backend.BalanceAt(ctx, acct.Addr, nil); err != nil || after.Cmp(before) != 0 {
		t.Fatalf("the node's balance moved: %s, was %s (%v)", after, before, err)
	}
	if nonce, err := n.Backend.NonceAt(ctx, acct.Addr, nil); err != nil || nonce != 0 {
		t.Fatalf("the node sent %d transactions (%v)", nonce, err)
	}
	// The genuine file works.
	f3Start(t, n.Backend, n.Network, n.Accounts[1], nil)
	deadline := time.Now().Add(20 * time.Second)
	for onChainStake(t, n, n.Accounts[1].Addr).State == chain.NodeQuit {
		if time.Now().After(deadline) {
			t.Fatal("the node did not join the genuine network")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if info := onChainStake(t, n, n.Accounts[1].Addr); info.Stake.Cmp(big.NewInt(1e18)) != 0 {
		t.Fatalf("staked %s", info.Stake)
	}
}

// TestRelayRedirectNotFollowed: a relay answering with a redirect (to
// plain http, a metadata address, anywhere) is not followed: the signed
// headers stay with the relay.
func TestRelayRedirectNotFollowed(t *testing.T) {
	var followed atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Store(true) }))
	defer target.Close()
	relaySrv := httptest.NewServer(http.RedirectHandler(target.URL+"/v1/tasks/1/args", http.StatusTemporaryRedirect))
	defer relaySrv.Close()
	resp, err := relayHTTP.Get(relaySrv.URL + "/v1/tasks/1/args")
	if err == nil {
		resp.Body.Close()
		t.Fatal("a relay's redirect was followed")
	}
	if followed.Load() {
		t.Fatal("the redirect's target was asked")
	}
}
