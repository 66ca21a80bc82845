package service

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/kardianos/service"

	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
)

// Supervisor runs `hydrogend run` as a child and restarts it when it
// fails: after MinBackoff, doubling to MaxBackoff, back to MinBackoff
// once a child has run ResetAfter. A child that exits with code 2 (its
// command line is wrong) is not restarted: retrying cannot help.
type Supervisor struct {
	Exe  string
	Args []string
	Log  *slog.Logger

	MinBackoff, MaxBackoff, ResetAfter time.Duration

	// StopWait is how long a child asked to stop (SIGTERM; Kill on
	// Windows) has before it is killed.
	StopWait time.Duration
	// Started, when set, is told each child's PID (tests).
	Started func(pid int)
}

// Defaults for the restart pauses.
const (
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = time.Minute
	DefaultResetAfter = 5 * time.Minute
)

// ErrBadCommandLine is a child that exited with code 2.
var ErrBadCommandLine = errors.New("hydrogend run refused its command line (exit 2): not restarting")

// Run supervises until ctx ends (then stops the child) or the child's
// command line is refused.
func (s *Supervisor) Run(ctx context.Context) error {
	if s.MinBackoff == 0 {
		s.MinBackoff = DefaultMinBackoff
	}
	if s.MaxBackoff == 0 {
		s.MaxBackoff = DefaultMaxBackoff
	}
	if s.ResetAfter == 0 {
		s.ResetAfter = DefaultResetAfter
	}
	if s.StopWait == 0 {
		s.StopWait = 30 * time.Second
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	delays := backoff.New(s.MinBackoff, s.MaxBackoff)
	for ctx.Err() == nil {
		began := time.Now()
		err := s.once(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 2 {
			s.Log.Error("hydrogend run exited with a command line error", "err", err)
			return ErrBadCommandLine
		}
		if time.Since(began) >= s.ResetAfter {
			delays.Reset()
		}
		wait := delays.Next()
		s.Log.Warn("hydrogend run stopped; restarting", "err", err, "ran", time.Since(began).Round(time.Millisecond), "in", wait)
		if !backoff.SleepFor(ctx, wait) {
			return nil
		}
	}
	return nil
}

// once runs one child until it exits or ctx ends.
func (s *Supervisor) once(ctx context.Context) error {
	cmd := exec.Command(s.Exe, s.Args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	s.Log.Info("started hydrogend run", "pid", cmd.Process.Pid)
	if s.Started != nil {
		s.Started(cmd.Process.Pid)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			return errors.New("exited without being asked")
		}
		return err
	case <-ctx.Done():
		_ = stopChild(cmd.Process)
		select {
		case err := <-done:
			return err
		case <-time.After(s.StopWait):
			_ = cmd.Process.Kill()
			return <-done
		}
	}
}

// Program is the service's body for kardianos: the supervisor, started
// and stopped by the service manager.
type Program struct {
	Supervisor *Supervisor

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan error
}

// Start starts supervising; it returns at once, as the manager expects.
func (p *Program) Start(service.Service) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan error, 1)
	go func() { p.done <- p.Supervisor.Run(ctx) }()
	return nil
}

// Stop stops the child and the supervisor.
func (p *Program) Stop(service.Service) error {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	return <-done
}

// RunService runs the program under the service manager (or, from a
// terminal, until SIGINT/SIGTERM).
func RunService(name string, p *Program) error {
	h, err := service.New(p, Spec{Name: name}.config())
	if err != nil {
		return err
	}
	return h.Run()
}
