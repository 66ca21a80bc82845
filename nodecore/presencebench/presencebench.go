//go:build linux || freebsd || openbsd || netbsd

package presencebench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/internal/stats"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Run measures samples samples of each kind, then trials input events
// with the watcher sampling every period.
func Run(ctx context.Context, samples, trials int, period time.Duration) (Report, error) {
	rep := Report{Samples: samples, Trials: trials, Period: period}
	if os.Getenv("DISPLAY") == "" {
		return rep, errors.New("presencebench: needs an X display (DISPLAY) to send input to")
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		return rep, errors.New("presencebench: needs xdotool to send input")
	}
	if _, err := idle.NewX11(""); err != nil {
		return rep, err
	}
	w := idle.NewWatcher(idle.DefaultSources()...)
	first := w.Sample()
	rep.PresenceSources = first.Sources

	c0 := cpuTime()
	for range samples {
		w.Sample()
	}
	rep.PresenceCPU = (cpuTime() - c0) / time.Duration(samples)

	r := gpu.NewReader()
	if s := r.Read(); s.Err != nil {
		rep.GPUNote = "measured NVML's failure path: " + s.Err.Error()
	}
	c0 = cpuTime()
	for range samples {
		r.Read()
	}
	rep.GPUCPU = (cpuTime() - c0) / time.Duration(samples)
	r.Close()

	// The watcher runs on its own ticker, as in the tray; every sample
	// is decided on and the decisions are timestamped.
	cfg := policy.Defaults()
	cfg.AwayAfter = 300 * time.Millisecond
	type decided struct {
		at   time.Time
		earn bool
	}
	decisions := make(chan decided, 64)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go w.Run(wctx, period, func(p idle.Presence) {
		d := cfg.Decide(policy.Input{Now: p.At, Presence: &p, Previous: policy.Decision{Earn: true}})
		select {
		case decisions <- decided{time.Now(), d.Earn}:
		default:
		}
	})
	var lat []time.Duration
	for range trials {
		for d := range decisions { // wait to be "away" (earning)
			if d.earn {
				break
			}
		}
		// Input comes at any point between two samples.
		time.Sleep(rand.N(period))
		t0 := time.Now()
		if out, err := exec.CommandContext(ctx, "xdotool", "mousemove_relative", "--", "1", "1").CombinedOutput(); err != nil {
			return rep, fmt.Errorf("presencebench: xdotool: %v %s", err, out)
		}
		timeout := time.After(5 * time.Second)
	wait:
		for {
			select {
			case d := <-decisions:
				if !d.earn && d.at.After(t0) {
					lat = append(lat, d.at.Sub(t0))
					break wait
				}
			case <-timeout:
				return rep, errors.New("presencebench: the input was never seen")
			case <-ctx.Done():
				return rep, ctx.Err()
			}
		}
	}
	sum := stats.Of(lat)
	rep.Median, rep.P99, rep.Max = sum.Median, sum.P99, sum.Max
	return rep, nil
}
