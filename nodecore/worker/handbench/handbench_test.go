package handbench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

// TestRunMeasures runs a few hand-backs against the real engine; the
// timing target is the benchmark's to judge, not this test's.
func TestRunMeasures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d := testenv.Docker(t, worker.Connect)
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
