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

// TestModelDistribution: a task needing a model fewer than 3 nodes hold
// tells 10 available nodes that lack it to download it (never a selected,
// busy or already told node); once 3 nodes report holding it, tasks go to
// them and nobody else is told.
func TestModelDistribution(t *testing.T) {
	n := simchain.New(t, 17, nil)
	app := n.Accounts[16]
	join(t, n.Accounts[:16])
	m := chain.ModelHash("lora:civitai/12345")
	spec := imageSpec(m)

	id1, sel1, rcpt, err := app.Client.CreateTask(ctx, spec, 600, simchain.Eth(1))
	if err != nil {
		t.Fatal(err)
	}
	told1 := downloads(t, rcpt, m)
	if len(told1) != 10 {
		t.Fatalf("first task told %d nodes, want 10", len(told1))
	}
	told := map[common.Address]bool{}
	for _, a := range told1 {
		if told[a] {
			t.Fatalf("%s told twice", a)
		}
		told[a] = true
		for _, s := range sel1 {
			if a == s {
				t.Fatalf("selected (busy) node %s told to download", a)
			}
		}
	}

	// A second task while nobody holds it yet: the 10 still pending are
	// not told again; only the 3 left available can be.
	_, sel2, rcpt, err := app.Client.CreateTask(ctx, spec, 600, simchain.Eth(1))
	if err != nil {
		t.Fatal(err)
	}
	told2 := downloads(t, rcpt, m)
	busy := map[common.Address]bool{}
	for _, a := range append(sel1[:], sel2[:]...) {
		busy[a] = true
	}
	for _, a := range told2 {
		if told[a] || busy[a] {
			t.Errorf("second task told %s (already told %v, busy %v)", a, told[a], busy[a])
		}
	}
	free := 0
	for _, a := range n.Accounts[:16] {
		if !busy[a.Addr] && !told[a.Addr] {
			free++
		}
	}
	if len(told2) != free {
		t.Errorf("second task told %d nodes; %d are available and untold, and all should be", len(told2), free)
	}

	// Three told nodes finish downloading and report it.
	var holders []common.Address
	for _, a := range told1[:3] {
		if _, err := byAddr(t, n, a).Client.ReportModel(ctx, m, true); err != nil {
			t.Fatal(err)
		}
		holders = append(holders, a)
	}
	if c, _ := app.Client.HolderCount(ctx, m); c != 3 {
		t.Fatalf("holder count %d after three reports", c)
	}
	// Free everyone.
	n.Backend.Advance(601 * time.Second)
	for _, id := range []uint64{id1, id1 + 1} {
		if _, err := app.Client.CloseTask(ctx, id); err != nil {
			t.Fatal(err)
		}
	}

	// Now the model has enough holders: the task goes to them, and nobody
	// is told to download.
	_, sel3, rcpt, err := app.Client.CreateTask(ctx, spec, 600, simchain.Eth(1))
	if err != nil {
		t.Fatal(err)
	}
	if got := downloads(t, rcpt, m); len(got) != 0 {
		t.Errorf("told %d nodes although 3 hold the model", len(got))
	}
	isHolder := map[common.Address]bool{holders[0]: true, holders[1]: true, holders[2]: true}
	for _, a := range sel3 {
		if !isHolder[a] {
			t.Errorf("selected %s, which lacks the model, while holders were free", a)
		}
	}

	// Dropping the model is reported too.
	if _, err := byAddr(t, n, holders[0]).Client.ReportModel(ctx, m, false); err != nil {
		t.Fatal(err)
	}
	if c, _ := app.Client.HolderCount(ctx, m); c != 2 {
		t.Errorf("holder count %d after a removal", c)
	}
	ms, _ := app.Client.NodeModels(ctx, holders[0])
	if len(ms) != 0 {
		t.Errorf("node still lists %v", ms)
	}
}

// TestDemandSpreadsAModel: when a model's holders are too busy to fill a
// task, the task is filled from other nodes and the available nodes that
// lack the model are asked to download it (demand outgrew the holders);
// while holders are free, nobody is asked.
func TestDemandSpreadsAModel(t *testing.T) {
	n := simchain.New(t, 11, nil)
	app := n.Accounts[10]
	m := chain.ModelHash("base:org/popular")
	join(t, n.Accounts[:3], m) // three hold it: enough (minHolders)
	join(t, n.Accounts[3:10])
	holder := map[common.Address]bool{}
	for _, a := range n.Accounts[:3] {
		holder[a.Addr] = true
	}
	_, sel1, rcpt, err := app.Client.CreateTask(ctx, imageSpec(m), 600, simchain.Eth(1))
	if err != nil {
		t.Fatal(err)
	}
	if got := downloads(t, rcpt, m); len(got) != 0 {
		t.Fatalf("told %d nodes while the holders were free", len(got))
	}
	for _, a := range sel1 {
		if !holder[a] {
			t.Fatalf("selected %s, which lacks the model, while holders were free", a)
		}
	}
	// The holders are busy: the next task is filled from the others, and
	// the four left available are asked to download the model.
	_, sel2, rcpt, err := app.Client.CreateTask(ctx, imageSpec(m), 600, simchain.Eth(1))
	if err != nil {
		t.Fatal(err)
	}
	told := downloads(t, rcpt, m)
	if len(told) != 4 {
		t.Fatalf("told %d nodes, want the 4 available that lack the model", len(told))
	}
	for _, a := range told {
		if holder[a] || slices.Contains(sel2[:], a) {
			t.Fatalf("told %s, a holder or selected", a)
		}
	}
}
