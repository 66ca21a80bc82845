package devnet

import (
	"context"
	"math/big"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// TestModelDistribution is the end-to-end run: a task needs a
// model no node holds → the chain asks the peers it did not pick to
// download it → they fetch it from the devnet's model server (verified),
// report it → once enough hold it, its tasks go to holders only: three
// nodes that joined without it, and would stall any task they got, are
// never picked.
func TestModelDistribution(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := Start(ctx, Config{Dir: t.TempDir(), Peers: 5, MinHolders: 3, NodePoll: 50 * time.Millisecond, MaxLead: time.Hour, ModelBytes: 4 << 20, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	lora := chain.ModelHash(DemoLoRA)
	for _, p := range d.Peers {
		if len(p.Models.Held()) != 0 {
			t.Fatalf("%s starts holding %v", p.Name, p.Models.Held())
		}
	}
	src := d.Source()
	first, err := src.CreateWith(ctx, engine.KindImage, DemoLoRA)
	if err != nil {
		t.Fatal(err)
	}
	chosen := src.Tasks()[0].Nodes
	// The chain's download requests, from the task's creation.
	reqs := downloadRequests(t, ctx, d, lora)
	var notified []common.Address
	for _, a := range reqs {
		if slices.Contains(chosen[:], a) {
			t.Fatalf("the chain asked %s, picked for the task, to download as well", a)
		}
		notified = append(notified, a)
	}
	if len(notified) != 2 {
		t.Fatalf("%d peers asked to download, want the 2 not picked", len(notified))
	}
	waitTask(t, ctx, d, first)
	// Every peer holds it now: the two asked, in the background; the three
	// picked, on demand, since the task needed it. All declare it; the
	// three that ran the task have proven it.
	waitFor(t, ctx, "5 peers declaring the LoRA on chain", func() bool {
		n := 0
		for _, p := range d.Peers {
			ms, err := d.App().NodeModels(ctx, p.Addr)
			if err == nil && slices.Contains(ms, lora) {
				n++
			}
		}
		return n == 5
	})
	// (An audit, drawn by the coin, would have proven it for its auditors too.)
	for _, a := range chosen {
		if ok, err := d.App().IsProven(ctx, a, lora); err != nil || !ok {
			t.Fatalf("%s ran the task and has not proven the LoRA (%v)", a, err)
		}
	}
	for _, p := range d.Peers {
		if !p.Models.Has(DemoLoRA) {
			t.Fatalf("%s does not hold the LoRA", p.Name)
		}
		id, _ := models.ParseID(DemoLoRA)
		b, err := os.ReadFile(p.Models.Store.Path(id))
		if err != nil || len(b) != 4<<20 {
			t.Fatalf("%s: %d bytes, %v", p.Name, len(b), err)
		}
	}
	if r := d.models.Requests(DemoLoRA); r < 5 {
		t.Fatalf("the model server answered %d requests for 5 downloads", r)
	}

	// Each task needing the LoRA gives at least two of its seats to nodes
	// that proved it (the third is drawn from everyone).
	for i := range 4 {
		id, err := src.CreateWith(ctx, engine.KindImage, DemoLoRA)
		if err != nil {
			t.Fatal(err)
		}
		picked := src.Tasks()[i+1].Nodes
		proven := 0
		for _, a := range picked {
			if ok, err := d.App().IsProven(ctx, a, lora); err == nil && ok {
				proven++
			}
		}
		if proven < 2 {
			t.Fatalf("task %d went to %d proven holders of its model, want at least 2", id, proven)
		}
		waitTask(t, ctx, d, id)
	}
	// Nobody downloaded a model twice; each download was verified whole.
	for _, p := range d.Peers {
		seen := map[string]bool{}
		for _, dl := range p.Models.Downloads() {
			if seen[dl.ID] || dl.State != models.DownloadDone || dl.Done != 4<<20 {
				t.Errorf("%s: %+v", p.Name, p.Models.Downloads())
			}
			seen[dl.ID] = true
		}
		if !seen[DemoLoRA] || !seen[DemoImageModel] {
			t.Errorf("%s downloaded %v", p.Name, seen)
		}
	}
}

// downloadRequests returns the nodes the chain asked to download model
// h, from the logs so far.
func downloadRequests(t *testing.T, ctx context.Context, d *Devnet, h common.Hash) []common.Address {
	t.Helper()
	logs, err := d.Chain.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(d.Network.DeployBlock), Addresses: []common.Address{d.Network.Registry}})
	if err != nil {
		t.Fatal(err)
	}
	var out []common.Address
	for _, l := range logs {
		ev, err := chain.Decode(l)
		if err != nil {
			continue
		}
		if e, ok := ev.(*bindings.NodeRegistryDownloadRequested); ok && e.Model == h {
			out = append(out, e.Node)
		}
	}
	return out
}

func waitTask(t *testing.T, ctx context.Context, d *Devnet, id uint64) {
	t.Helper()
	waitFor(t, ctx, "task settled", func() bool {
		info, err := d.App().Task(ctx, id)
		if err != nil {
			return false
		}
		if info.State == chain.TaskAborted {
			t.Fatalf("task %d aborted", id)
		}
		return info.State == chain.TaskDone || (info.State == chain.TaskValidated && !info.Coin)
	})
}

func waitFor(t *testing.T, ctx context.Context, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
