package handbench

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

// TestRunMeasures runs a few hand-backs against the real engine; the
// timing target is the benchmark's to judge, not this test's.
func TestRunMeasures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := worker.Connect(ctx, "")
	if err != nil {
		if os.Getenv("HYDROGEN_TEST_FULL") == "1" {
			t.Fatalf("a Docker engine is required: %v", err)
		}
		t.Skipf("no Docker engine: %v", err)
	}
	defer d.Close()
	rep, err := Run(ctx, d, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runs != 3 || rep.InterruptedJobs != 3 {
		t.Fatalf("%+v: every busy job must end interrupted", rep)
	}
	if rep.Median <= 0 || rep.P99 < rep.Median || rep.Max < rep.P99 || rep.WarmMedian <= 0 {
		t.Fatalf("inconsistent figures %+v", rep)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if !strings.Contains(out.String(), "release") || !strings.Contains(out.String(), "p99") {
		t.Fatalf("report:\n%s", out.String())
	}
}

func TestStat(t *testing.T) {
	ms := time.Millisecond
	m, p, x := stat([]time.Duration{5 * ms, 1 * ms, 3 * ms, 2 * ms, 4 * ms})
	if m != 3*ms || p != 5*ms || x != 5*ms {
		t.Fatalf("%v %v %v", m, p, x)
	}
}
