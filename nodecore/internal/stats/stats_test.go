package stats

import (
	"testing"
	"time"
)

func TestOf(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	cases := []struct {
		in               []time.Duration
		median, p99, max time.Duration
	}{
		{nil, 0, 0, 0},
		{ms(7), 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond},
		{ms(3, 1, 2), 2 * time.Millisecond, 3 * time.Millisecond, 3 * time.Millisecond},
		{ms(4, 1, 3, 2), 2500 * time.Microsecond, 4 * time.Millisecond, 4 * time.Millisecond},
		{ms(5, 1, 3, 2, 4), 3 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond},
	}
	for _, c := range cases {
		if s := Of(c.in); s.Median != c.median || s.P99 != c.p99 || s.Max != c.max {
			t.Errorf("Of(%v) = %+v, want %v %v %v", c.in, s, c.median, c.p99, c.max)
		}
	}
	// 200 samples 1..200 ms: the 99th percentile is the 198th.
	var d []time.Duration
	for i := 200; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if s := Of(d); s.P99 != 198*time.Millisecond || s.Median != 100500*time.Microsecond || s.Max != 200*time.Millisecond {
		t.Errorf("1..200: %+v", s)
	}
}
