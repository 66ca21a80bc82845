package worker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// Engine runs tasks through an adapter (ComfyUI, OpenAI-compatible)
// talking to the worker's container: it starts the container when none
// runs, and turns the container's death during a task into the task's
// failure with the reason (crash with its exit code and last lines, or
// out of memory). The next task starts a fresh container.
type Engine struct {
	W     *Worker
	Inner engine.Engine
}

// Name names the adapter and says it runs in a container.
func (e *Engine) Name() string { return e.Inner.Name() + " (Docker worker)" }

// Check checks a with the adapter, before anything starts.
func (e *Engine) Check(a engine.Args) error { return engine.Check(e.Inner, a) }

// Run runs a through the adapter in the container.
func (e *Engine) Run(ctx context.Context, a engine.Args) (engine.Output, error) {
	// A death reported before this task belongs to an earlier one.
	for drained := false; !drained; {
		select {
		case <-e.W.Failures():
		default:
			drained = true
		}
	}
	if err := e.W.Warm(ctx); err != nil {
		return engine.Output{}, err
	}
	// The outputs were read back over the socket: none stays on disk.
	defer func() {
		if err := e.W.CleanOutput(); err != nil {
			e.W.log.Warn("cleaning the engine's outputs failed", "err", err)
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		out engine.Output
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := e.Inner.Run(ctx, a)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err == nil || ctx.Err() != nil {
			return r.out, r.err
		}
		// The adapter's connection usually breaks a moment before
		// Docker reports the death: give the event a moment to arrive,
		// so the task fails with the real reason.
		select {
		case f := <-e.W.Failures():
			return engine.Output{}, failureError(f)
		case <-time.After(time.Second):
			return r.out, r.err
		}
	case f := <-e.W.Failures():
		cancel()
		<-done
		return engine.Output{}, failureError(f)
	}
}

func failureError(f Failure) error {
	return &Error{Code: f.Err.Code, Msg: f.Err.Msg, Err: fmt.Errorf("exit code %d; last output: %s", f.ExitCode, strings.Join(f.Logs, " | "))}
}
