// Package presencebench measures what watching the owner costs and how
// fast it reacts: the CPU time of one presence sample and of one GPU
// sample, and the latency from an input event (xdotool, on the X
// display) to a pause decision. `hydrogend bench presence` prints it.
package presencebench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// LatencyTarget is the p99 budget from input to a pause decision.
const LatencyTarget = 200 * time.Millisecond

// Report is the measurements.
type Report struct {
	Samples          int
	PresenceCPU      time.Duration // CPU time per presence sample
	PresenceSources  []string
	GPUCPU           time.Duration // CPU time per GPU sample
	GPUNote          string        // e.g. "no NVIDIA driver: the no-driver path"
	Period           time.Duration
	Trials           int
	Median, P99, Max time.Duration // input → pause decision
}

// Write prints the report.
func (r Report) Write(w io.Writer) {
	us := func(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond)) }
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(w, "presence and GPU sampling, %d samples each\n\n", r.Samples)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "presence sample\t%s CPU\t(sources: %v)\n", us(r.PresenceCPU), r.PresenceSources)
	note := ""
	if r.GPUNote != "" {
		note = "(" + r.GPUNote + ")"
	}
	fmt.Fprintf(tw, "GPU sample\t%s CPU\t%s\n", us(r.GPUCPU), note)
	tw.Flush()
	fmt.Fprintf(w, "\ninput → pause decision, %d trials, sampling every %s (includes starting xdotool)\n", r.Trials, r.Period)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "median\tp99\tmax\t\n%s\t%s\t%s\t  target: p99 <= %s\n", ms(r.Median), ms(r.P99), ms(r.Max), ms(LatencyTarget))
	tw.Flush()
}
