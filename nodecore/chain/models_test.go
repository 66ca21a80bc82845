package chain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

func downloads(t *testing.T, rcpt *types.Receipt, model common.Hash) []common.Address {
	t.Helper()
	reg := bindings.NewNodeRegistry()
	var out []common.Address
	for _, l := range rcpt.Logs {
		if ev, err := reg.UnpackDownloadRequestedEvent(l); err == nil {
			if ev.Model != model {
				t.Errorf("download of an unexpected model %x", ev.Model)
			}
			out = append(out, ev.Node)
		}
	}
	return out
}

// TestModelDistribution: a task needing a model that fewer than 3 nodes
// have proven tells 10 available nodes that lack it to download it (never
// a selected one); a second task within the cooldown tells nobody (one
// application cannot make the network download on every task). Declaring
// the model earns no preference; validated work with it does: the nodes
// of a paid task are its proven holders, and later tasks take two seats
// from them and one from everyone.
func TestModelDistribution(t *testing.T) {
	n := simchain.New(t, 17, noAudits())
	app := n.Accounts[16]
	join(t, n.Accounts[:16])
	m := chain.ModelHash("lora:civitai/12345")
	spec := imageSpec(m)

	tk1 := create(t, n, app, spec, simchain.Eth(1))
	told1 := downloads(t, tk1.draw, m)
	if len(told1) != 10 {
		t.Fatalf("first task told %d nodes, want 10", len(told1))
	}
	told := map[common.Address]bool{}
	for _, a := range told1 {
		if told[a] {
			t.Fatalf("%s told twice", a)
		}
		told[a] = true
		for _, s := range tk1.nodes {
			if a == s.Addr {
				t.Fatalf("selected (busy) node %s told to download", a)
			}
		}
	}
	tk2 := create(t, n, app, spec, simchain.Eth(1))
	if got := downloads(t, tk2.draw, m); len(got) != 0 {
		t.Fatalf("a second task within the cooldown told %d nodes", len(got))
	}

	// Declaring the model makes no holder.
	for _, a := range told1[:3] {
		if _, err := byAddr(t, n, a).Client.ReportModel(ctx, m, true); err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := app.Client.HolderCount(ctx, m); c != 0 {
		t.Fatalf("holder count %d after three declarations", c)
	}

	// Task 1 is done honestly: its three nodes have proven the model.
	for slot := range 3 {
		tk1.commit(t, slot, score)
	}
	for slot := range 3 {
		tk1.disclose(t, slot)
	}
	tk1.deliver(t, 0)
	for _, a := range tk1.nodes {
		if ok, _ := app.Client.IsProven(ctx, a.Addr, m); !ok {
			t.Fatalf("%s did validated work with the model and is not a proven holder", a.Addr)
		}
	}
	if c, _ := app.Client.HolderCount(ctx, m); c != 3 {
		t.Fatalf("holder count %d after a paid task", c)
	}
	n.Backend.Advance(601 * time.Second)
	if _, err := app.Client.CloseTask(ctx, tk2.id); err != nil {
		t.Fatal(err)
	}

	// The model is now well held: two seats go to proven holders, one to
	// anybody; nobody is told to download.
	proven := map[common.Address]bool{}
	for _, a := range tk1.nodes {
		proven[a.Addr] = true
	}
	tk3 := create(t, n, app, spec, simchain.Eth(1))
	if got := downloads(t, tk3.draw, m); len(got) != 0 {
		t.Errorf("told %d nodes although 3 have proven the model", len(got))
	}
	holders := 0
	for _, a := range tk3.nodes {
		if proven[a.Addr] {
			holders++
		}
	}
	if holders < 2 {
		t.Errorf("%d of the seats went to proven holders, want at least 2", holders)
	}

	// Dropping the model is reported too.
	h := tk1.nodes[0].Addr
	if _, err := byAddr(t, n, h).Client.ReportModel(ctx, m, false); err != nil {
		t.Fatal(err)
	}
	ms, _ := app.Client.NodeModels(ctx, h)
	if slices.Contains(ms, m) {
		t.Errorf("node still lists the model: %v", ms)
	}
	if ok, _ := app.Client.IsProven(ctx, h, m); ok {
		t.Error("a dropped model is still proven")
	}
}
