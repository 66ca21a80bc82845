package devnet

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

func testLog(t *testing.T) *slog.Logger {
	if os.Getenv("HYDROGEN_DEVNET_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("test", t.Name())
}

// TestFortyTasksWithACheater is the end-to-end run: eight honest
// peers and one that commits random scores (its disagreements are audited
// by two panels of three, as a slash needs), forty image and text tasks.
// Every task settles, the honest are paid, the cheater is slashed, and
// every ledger matches the chain to the wei.
func TestFortyTasksWithACheater(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	d, err := Start(ctx, Config{Dir: t.TempDir(), Peers: 8, Cheaters: 1, Rate: 6000, Tasks: 40, NodePoll: 50 * time.Millisecond, MaxLead: time.Hour, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := d.Summarize(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s.Write(&out)
	t.Logf("summary:\n%s", out.String())
	if len(s.Problems) > 0 {
		t.Fatalf("inconsistent run: %v", s.Problems)
	}
	if s.Created != 40 || s.Succeeded != 40 {
		t.Fatalf("%d created, %d succeeded, want 40 and 40", s.Created, s.Succeeded)
	}
	kinds := map[string]int{}
	for _, task := range d.Source().Tasks() {
		kinds[task.Kind]++
	}
	if kinds["image"] == 0 || kinds["text"] == 0 {
		t.Fatalf("task kinds %v, want both", kinds)
	}
	for _, n := range s.Nodes {
		switch {
		case n.Cheater:
			if n.Slashed != 1 || n.State != chain.NodeQuit || n.Stake.Sign() != 0 || n.Earned.Sign() != 0 {
				t.Errorf("cheater: slashed %d, state %s, stake %s, earned %s", n.Slashed, n.State, n.Stake, n.Earned)
			}
		default:
			if n.Paid == 0 || n.Slashed != 0 || n.Earned.Sign() <= 0 || n.State == chain.NodeQuit {
				t.Errorf("%s: paid %d, slashed %d, earned %s, state %s", n.Name, n.Paid, n.Slashed, n.Earned, n.State)
			}
		}
		// An honest node's every task is paid. A cheater's may also end
		// unpaid and unslashed: its disagreement was judged without an
		// audit when no auditors were free in time.
		if !n.Cheater && n.Tasks != n.Paid+n.Slashed {
			p := d.Peers[0]
			for _, q := range d.Peers {
				if q.Addr == n.Addr {
					p = q
				}
			}
			tot, _ := p.Ledger.Totals(ctx)
			t.Errorf("%s: %d ledger rows, %d paid, %d slashed (%v)", n.Name, n.Tasks, n.Paid, n.Slashed, tot.ByResult)
		}
	}
	_ = ledger.Paid
}
