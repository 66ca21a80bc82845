// Package stats summarises benchmark samples: median and the
// nearest-rank 99th percentile.
package stats

import (
	"slices"
	"time"
)

// Summary is the median, 99th percentile and maximum of some durations.
type Summary struct{ Median, P99, Max time.Duration }

// Of summarises ds (the zero Summary for none). The median of an even
// count is the mean of the middle two; the p99 is the nearest rank.
func Of(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Summary{Median: m, P99: s[min((len(s)*99+99)/100-1, len(s)-1)], Max: s[len(s)-1]}
}
