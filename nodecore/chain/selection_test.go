package chain_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// TestSelectionDistribution runs 3,000 tasks over 30 nodes of mixed
// cards, versions and models: no task ever gets the same node twice or a
// node it may not use, and each eligible node is chosen about equally
// often (a chi-square test at p = 0.0001).
func TestSelectionDistribution(t *testing.T) {
	tasks := 3000
	if testing.Short() {
		tasks = 300
	}
	// Two identical networks, one per task spec, run in parallel.
	for si := range 2 {
		t.Run(fmt.Sprintf("spec %c", 'A'+si), func(t *testing.T) {
			t.Parallel()
			selectionDistribution(t, si, tasks/2)
		})
	}
}

func selectionDistribution(t *testing.T, si, tasks int) {
	n := simchain.New(t, 31, nil)
	app := n.Accounts[30]
	model := chain.ModelHash("base:stable-diffusion-xl")
	type group struct {
		gpu     string
		vram    uint32
		version chain.Version
		models  []common.Hash
		count   int
	}
	groups := []group{
		{"NVIDIA GeForce RTX 4090", 24576, chain.Version{Major: 1, Minor: 2, Patch: 3}, []common.Hash{model}, 10},
		{"NVIDIA GeForce RTX 3060", 12288, chain.Version{Major: 1, Minor: 3, Patch: 0}, nil, 10},                 // another minor: its own pool
		{"NVIDIA GeForce RTX 3080", 10240, chain.Version{Major: 1, Minor: 2, Patch: 0}, nil, 5},                  // too small for A; an older patch runs B
		{"NVIDIA GeForce RTX 4090", 24576, chain.Version{Major: 2, Minor: 0, Patch: 0}, []common.Hash{model}, 5}, // wrong major
	}
	info := map[common.Address]group{}
	i := 0
	for _, g := range groups {
		for range g.count {
			a := n.Accounts[i]
			i++
			if _, err := a.Client.Join(ctx, chain.JoinRequest{GPUName: g.gpu, VRAMMiB: g.vram, Version: g.version, Models: g.models, Stake: simchain.Eth(1)}); err != nil {
				t.Fatal(err)
			}
			info[a.Addr] = g
		}
	}
	// Two 3060 nodes pause: never selected.
	paused := map[common.Address]bool{}
	for _, a := range n.Accounts[10:12] {
		if _, err := a.Client.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		paused[a.Addr] = true
	}

	specs := []chain.Spec{
		// A: big card, the model, version 1.2.3 → the ten 4090s on 1.x.
		{Type: chain.TaskImage, Models: []common.Hash{model}, MinVRAMMiB: 16384, Version: chain.Version{Major: 1, Minor: 2, Patch: 3}},
		// B: any 8 GiB card, version 1.2.1 → the 4090s on 1.2.3 and the 3080s on 1.2.0
		// (patches are compatible; 1.3 is another pool).
		{Type: chain.TaskText, MinVRAMMiB: 8192, Version: chain.Version{Major: 1, Minor: 2, Patch: 1}},
	}
	eligible := func(s chain.Spec, a common.Address) error {
		g := info[a]
		switch {
		case paused[a]:
			return fmt.Errorf("paused")
		case g.vram < s.MinVRAMMiB:
			return fmt.Errorf("VRAM %d < %d", g.vram, s.MinVRAMMiB)
		case !g.version.CanRun(s.Version):
			return fmt.Errorf("version %s cannot run %s", g.version, s.Version)
		}
		return nil
	}
	counts := map[common.Address]int{}
	fee := big.NewInt(1e15)
	for k := range tasks {
		run, err := n.RunHonestTask(ctx, app, specs[si], fee)
		if err != nil {
			t.Fatalf("task %d: %v", k, err)
		}
		seen := map[common.Address]bool{}
		for _, a := range run.Nodes {
			if seen[a] {
				t.Fatalf("task %d got node %s twice: %v", k, a, run.Nodes)
			}
			seen[a] = true
			if err := eligible(specs[si], a); err != nil {
				t.Fatalf("task %d (spec %c) got an ineligible node %s: %v", k, 'A'+si, a, err)
			}
			counts[a]++
		}
	}
	// p = 0.0001 critical values of chi-square for the degrees of freedom.
	critical := map[int]float64{9: 33.72, 14: 42.6}
	wantNodes := []int{10, 15}[si]
	if len(counts) != wantNodes {
		t.Fatalf("used %d distinct nodes, want all %d eligible", len(counts), wantNodes)
	}
	total := 0
	for _, v := range counts {
		total += v
	}
	expect := float64(total) / float64(len(counts))
	chi := 0.0
	lo, hi := math.MaxInt, 0
	for _, v := range counts {
		d := float64(v) - expect
		chi += d * d / expect
		lo, hi = min(lo, v), max(hi, v)
	}
	t.Logf("%d selections over %d nodes, expected %.0f each, min %d max %d, chi² %.1f", total, len(counts), expect, lo, hi, chi)
	if crit := critical[len(counts)-1]; chi > crit {
		t.Errorf("chi² %.1f > %.1f: selection is not uniform", chi, crit)
	}
}

// TestHomeCardsFitSmallTasks: a task's VRAM need is rounded up to a class,
// and the classes are fine where home cards are (4, 6, 8, 10, 12 GiB), so
// a task needing 4 GiB is drawn onto 4, 6 and 8 GiB cards alike, while one
// needing 6 GiB skips the 4 GiB card. (With classes starting at 8 GiB a
// 4 GiB need skipped every card under 8.)
func TestHomeCardsFitSmallTasks(t *testing.T) {
	n := simchain.New(t, 5, fParams(0))
	small, mid, big8, app := n.Accounts[0], n.Accounts[1], n.Accounts[2], n.Accounts[3]
	fJoin(t, []*simchain.Account{small}, 4096, fVer)
	fJoin(t, []*simchain.Account{mid}, 6144, fVer)
	fJoin(t, []*simchain.Account{big8}, 8192, fVer)
	spec := fSpec()
	for need, want := range map[uint32]uint64{0: 3, 4096: 3, 5000: 2, 6144: 2, 8192: 1, 8193: 0, 90000: 0, 200000: 0} {
		spec.MinVRAMMiB = need
		if c, err := app.Client.PoolCount(fctx, spec); err != nil || c != want {
			t.Errorf("a task needing %d MiB may be drawn from %d nodes (%v), want %d", need, c, err, want)
		}
	}
	spec.MinVRAMMiB = 4096
	_, seats := fCreate(t, n, app, spec, fFee)
	got := map[common.Address]bool{}
	for _, a := range seats {
		got[a.Addr] = true
	}
	if !got[small.Addr] || !got[mid.Addr] || !got[big8.Addr] {
		t.Errorf("a 4 GiB task drew %v, want all three cards", got)
	}
}
