package devnet

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestStat(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	cases := []struct {
		in          []time.Duration
		median, p99 time.Duration
	}{
		{nil, 0, 0},
		{ms(7), 7 * time.Millisecond, 7 * time.Millisecond},
		{ms(3, 1, 2), 2 * time.Millisecond, 3 * time.Millisecond},
		{ms(4, 1, 3, 2), 2500 * time.Microsecond, 4 * time.Millisecond},
	}
	for _, c := range cases {
		if s := stat(c.in); s.Median != c.median || s.P99 != c.p99 {
			t.Errorf("stat(%v) = %+v, want %v %v", c.in, s, c.median, c.p99)
		}
	}
	// 200 samples 1..200 ms: the 99th percentile is the 198th.
	var d []time.Duration
	for i := 200; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if s := stat(d); s.P99 != 198*time.Millisecond || s.Median != 100500*time.Microsecond {
		t.Errorf("1..200: %+v", s)
	}
}

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
