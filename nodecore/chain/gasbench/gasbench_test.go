package gasbench

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestGasTargets holds the protocol to its gas budget. Gas is exact and
// repeatable (not a timing), so this is an ordinary test.
func TestGasTargets(t *testing.T) {
	sizes := DefaultSizes
	if testing.Short() {
		sizes = []int{10, 100}
	}
	rep, err := Run(context.Background(), sizes, 15)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.Write(&b)
	t.Log("\n" + b.String())
	if total := rep.PerTask(); total > TaskBudget {
		t.Errorf("a 3-node task costs %d gas, over the budget of %d", total, TaskBudget)
	}
	if g := rep.Growth(); g > MaxSelectionGrowth {
		t.Errorf("selection grew %.3f× from %d to %d nodes, limit %.2f×", g, sizes[0], sizes[len(sizes)-1], MaxSelectionGrowth)
	}
	for _, want := range []string{"join", "create task", "commit 3", "disclose 3 + judge", "draw", "audit amortised", "total per task", "1000"} {
		if !testing.Short() && !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
