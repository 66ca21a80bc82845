package cli

import (
	"strings"
	"testing"
)

// TestBenchSoak runs the reliability soak small: six tasks with the node
// killed during half of them and the RPC endpoint and the relay cut off
// for 3 s each. The table must show every task settled, no slash, no
// difference between the ledger and the chain and no stuck task.
func TestBenchSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet and hydrogend processes")
	}
	t.Setenv(LightScryptEnv, "1")
	t.Setenv(asHydrogend, "1") // the node the soak starts is this binary, as hydrogend
	code, out, errOut := run(t, "bench", "soak", "-tasks", "6", "-kill-rate", "0.5", "-cut", "3s", "-dir", t.TempDir(), "-seed", "3")
	t.Logf("\n%s", out)
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"tasks created                              6", "tasks settled and checked                  6", "RPC cut off                                1", "relay cut off                              1", "honest slashes (want 0)                    0", "ledger − chain, wei (want 0)               0", "stuck tasks (want 0)                       0"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q", want)
		}
	}
	if strings.Contains(out, "SIGKILLs                                   0") {
		t.Error("the node was never killed")
	}
	for _, args := range [][]string{{"bench", "soak", "-tasks", "0"}, {"bench", "soak", "-kill-rate", "2"}, {"bench", "soak", "-cut", "-1s"}, {"bench", "soak", "extra"}} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want a usage error", args, code)
		}
	}
}
