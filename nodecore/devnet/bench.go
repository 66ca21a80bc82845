package devnet

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/internal/stats"
)

// OverheadTarget is the most node-side time a task may cost, median.
const OverheadTarget = 50 * time.Millisecond

// Stat is the median and 99th percentile of a set of durations.
type Stat struct{ Median, P99 time.Duration }

func stat(ds []time.Duration) Stat {
	s := stats.Of(ds)
	return Stat{Median: s.Median, P99: s.P99}
}

// BenchReport is how peers spent their time on the benchmark's tasks.
type BenchReport struct {
	Peers, Tasks, Samples         int
	Overhead, Busy, Engine, Chain Stat
	Idle                          Stat
}

// Bench runs tasks one after another on a devnet with three peers and
// measures, for every peer on every task, the time it spent on the task
// less the engine's time and the waits for blocks and arguments: the
// node's own overhead (RPC, signing, relay transfers, scoring, ledger).
func Bench(ctx context.Context, tasks int, log *slog.Logger) (BenchReport, error) {
	dir, err := os.MkdirTemp("", "hydrogen-bench-")
	if err != nil {
		return BenchReport{}, err
	}
	defer os.RemoveAll(dir)
	d, err := Start(ctx, Config{Dir: dir, Peers: 3, RPCPort: 0, HTTPPort: 0, MaxLead: time.Hour, Log: log})
	if err != nil {
		return BenchReport{}, err
	}
	defer d.Close()
	rep := BenchReport{Peers: len(d.Peers), Tasks: tasks}
	var over, busy, eng, chainWait, idle []time.Duration
	for i := range tasks {
		kind := engine.KindImage
		if i%2 == 1 {
			kind = engine.KindText
		}
		id, err := d.source.Create(ctx, kind)
		if err != nil {
			return rep, fmt.Errorf("devnet: bench task %d: %w", i, err)
		}
		if err := d.waitFinal(ctx, id, time.Minute); err != nil {
			return rep, err
		}
		for _, p := range d.Peers {
			t, ok := p.Node.Timing(id)
			if !ok {
				continue
			}
			over, busy, eng = append(over, t.Overhead()), append(busy, t.Busy), append(eng, t.Engine)
			chainWait, idle = append(chainWait, t.Chain), append(idle, t.Idle)
		}
	}
	rep.Samples = len(over)
	rep.Overhead, rep.Busy, rep.Engine, rep.Chain, rep.Idle = stat(over), stat(busy), stat(eng), stat(chainWait), stat(idle)
	return rep, nil
}

// waitFinal waits until the source is done with task id and every peer's
// ledger has settled it.
func (d *Devnet) waitFinal(ctx context.Context, id uint64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if err := d.source.Check(ctx); err != nil {
			return err
		}
		done := false
		for _, t := range d.source.Tasks() {
			if t.ID == id {
				if t.Problem != "" {
					return fmt.Errorf("devnet: task %d: %s", id, t.Problem)
				}
				done = t.Final()
			}
		}
		if done && d.ledgersSettled(ctx) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devnet: task %d not settled in %s", id, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Write prints the report as a table.
func (r BenchReport) Write(w io.Writer) {
	fmt.Fprintf(w, "node-side time per task: %d peers x %d tasks = %d samples (reference engine, in-process chain)\n\n", r.Peers, r.Tasks, r.Samples)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(tw, "\tmedian\tp99\t\n")
	fmt.Fprintf(tw, "overhead (busy - engine - waits)\t%s\t%s\t  target: median <= %s\n", ms(r.Overhead.Median), ms(r.Overhead.P99), ms(OverheadTarget))
	fmt.Fprintf(tw, "busy in total\t%s\t%s\t\n", ms(r.Busy.Median), ms(r.Busy.P99))
	fmt.Fprintf(tw, "engine\t%s\t%s\t\n", ms(r.Engine.Median), ms(r.Engine.P99))
	fmt.Fprintf(tw, "waiting for blocks\t%s\t%s\t\n", ms(r.Chain.Median), ms(r.Chain.P99))
	fmt.Fprintf(tw, "waiting for arguments\t%s\t%s\t\n", ms(r.Idle.Median), ms(r.Idle.P99))
	tw.Flush()
}
