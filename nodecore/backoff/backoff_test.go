package backoff

import (
	"context"
	"testing"
	"time"
)

func within(d, want time.Duration) bool {
	lo, hi := time.Duration(float64(want)*(1-Jitter)), time.Duration(float64(want)*(1+Jitter))
	return d >= lo && d <= hi
}

func TestDelaysDoubleToMaxAndReset(t *testing.T) {
	d := New(100*time.Millisecond, time.Second)
	for i, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		if got := d.Next(); !within(got, want*time.Millisecond) {
			t.Fatalf("delay %d: %v, want %v ± %.0f%%", i, got, want*time.Millisecond, Jitter*100)
		}
	}
	d.Reset()
	if got := d.Next(); !within(got, 100*time.Millisecond) {
		t.Fatalf("after Reset: %v", got)
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if New(time.Hour, time.Hour).Sleep(ctx) {
		t.Fatal("slept an hour through a cancelled context")
	}
	if !New(time.Millisecond, time.Millisecond).Sleep(context.Background()) {
		t.Fatal("a short sleep reported the context's end")
	}
}
