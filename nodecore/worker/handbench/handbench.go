// Package handbench measures the hand-back: how long the worker takes,
// from Release, to have its container gone while a busy job runs on it.
// `hydrogend bench handback` prints it.
package handbench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/comfyui"
	"github.com/hydrogen-network/hydrogen/nodecore/internal/stats"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
)

// Target is the hand-back's p99 budget: input → policy → worker must fit
// in half a second.
const Target = 300 * time.Millisecond

// Report is the measured hand-backs.
type Report struct {
	Runs                int
	Median, P99, Max    time.Duration
	WarmMedian, WarmP99 time.Duration // Warm: container back and healthy
	InterruptedJobs     int           // jobs that ended with an error (as they must)
}

// Run measures runs hand-backs on the Docker engine d: each warms the
// reference engine container, starts a long job (every sampler step
// takes 100 ms), releases the worker once the job runs, and times
// Release until the container no longer exists.
func Run(ctx context.Context, d *client.Client, runs int, rebuild bool) (Report, error) {
	if _, err := d.ImageInspect(ctx, refimage.Tag); err != nil || rebuild {
		if err := refimage.Build(ctx, d); err != nil {
			return Report{}, err
		}
	}
	dir, err := os.MkdirTemp("", "hydrogen-handback-")
	if err != nil {
		return Report{}, err
	}
	defer os.RemoveAll(dir)
	cache := filepath.Join(dir, "models")
	os.MkdirAll(filepath.Join(cache, "checkpoints", "bench"), 0o755)
	if err := os.WriteFile(filepath.Join(cache, "checkpoints", "bench", "model.safetensors"), []byte("weights"), 0o644); err != nil {
		return Report{}, err
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := worker.New(wctx, d, worker.Config{
		Image: refimage.Tag, Cmd: refimage.Cmd("100ms"), Role: "bench", Owner: fmt.Sprintf("handbench%d", os.Getpid()),
		ModelDir: cache, RunDir: filepath.Join(dir, "run"), OutputDir: filepath.Join(dir, "out"),
		Socket: refimage.Socket, HealthPath: "/system_stats", Memory: 256 << 20, Pids: 64,
		Interrupt: func(ctx context.Context, c *http.Client) error {
			return (&comfyui.Engine{HTTP: c, Base: worker.BaseURL}).Interrupt(ctx)
		},
	})
	if err != nil {
		return Report{}, err
	}
	defer w.Close()
	rep := Report{Runs: runs}
	var rel, warm []time.Duration
	a := engine.Args{Kind: engine.KindImage, Model: "base:bench/model", Prompt: "busy", Seed: 1, Width: 64, Height: 64, Count: 1, Steps: engine.MaxSteps}
	for range runs {
		t0 := time.Now()
		if err := w.Warm(ctx); err != nil {
			return rep, err
		}
		warm = append(warm, time.Since(t0))
		e := &comfyui.Engine{HTTP: w.HTTPClient(), Base: worker.BaseURL, CacheDir: cache, Poll: 10 * time.Millisecond}
		started := make(chan string, 1)
		e.Progress = func(p comfyui.Progress) {
			select {
			case started <- p.PromptID:
			default:
			}
		}
		done := make(chan error, 1)
		go func() {
			_, err := e.Run(ctx, a)
			done <- err
		}()
		select {
		case <-started:
		case err := <-done:
			return rep, fmt.Errorf("handbench: the job ended before the hand-back: %v", err)
		}
		id := w.ContainerID()
		t1 := time.Now()
		if err := w.Release(ctx); err != nil {
			return rep, err
		}
		took := time.Since(t1)
		if _, err := d.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); !cerrdefs.IsNotFound(err) {
			return rep, fmt.Errorf("handbench: the container is still there after Release: %v", err)
		}
		rel = append(rel, took)
		if err := <-done; err != nil {
			rep.InterruptedJobs++
		}
	}
	r, wm := stats.Of(rel), stats.Of(warm)
	rep.Median, rep.P99, rep.Max = r.Median, r.P99, r.Max
	rep.WarmMedian, rep.WarmP99 = wm.Median, wm.P99
	return rep, nil
}

// Write prints the report.
func (r Report) Write(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(w, "hand-back: Release until the container is gone, a busy job running; %d runs\n\n", r.Runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tmedian\tp99\tmax\t\n")
	fmt.Fprintf(tw, "release\t%s\t%s\t%s\t  target: p99 <= %s\n", ms(r.Median), ms(r.P99), ms(r.Max), ms(Target))
	fmt.Fprintf(tw, "warm again (start + healthy)\t%s\t%s\t\t\n", ms(r.WarmMedian), ms(r.WarmP99))
	tw.Flush()
	fmt.Fprintf(w, "\n%d of %d jobs ended interrupted\n", r.InterruptedJobs, r.Runs)
}
