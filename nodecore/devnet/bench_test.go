package devnet

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestBenchMeasures runs the node benchmark briefly: every peer's time is
// split and accounted for (no timing target is checked here; see
// `hydrogend bench node`).
func TestBenchMeasures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := Bench(ctx, 4, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 12 {
		t.Fatalf("%d samples, want 3 peers x 4 tasks", rep.Samples)
	}
	if rep.Busy.Median <= 0 || rep.Chain.Median <= 0 || rep.Engine.Median <= 0 || rep.Overhead.Median <= 0 {
		t.Fatalf("a part was not measured: %+v", rep)
	}
	if rep.Overhead.Median >= rep.Busy.Median {
		t.Fatalf("the overhead %s is not less than the busy time %s", rep.Overhead.Median, rep.Busy.Median)
	}
	var out bytes.Buffer
	rep.Write(&out)
	for _, w := range []string{"3 peers x 4 tasks = 12 samples", "overhead", "median", "p99", "waiting for blocks"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, out.String())
		}
	}
}

func BenchmarkNodeTasks(b *testing.B) {
	for b.Loop() {
		rep, err := Bench(context.Background(), 20, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Overhead.Median)/1e6, "overhead-median-ms")
		b.ReportMetric(float64(rep.Overhead.P99)/1e6, "overhead-p99-ms")
	}
}
