package icon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// Find locates a Hydrogen program: beside this executable first, then
// on PATH.
func Find(name string) (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name+exeSuffix)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// Window opens the window process on demand, one at a time.
type Window struct {
	Path string
	Args []string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Open starts the window unless it is already open.
func (w *Window) Open() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cmd != nil {
		return nil // open: the window raises itself when started again is not worth a second process
	}
	cmd := exec.Command(w.Path, w.Args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	w.cmd = cmd
	go func() {
		_ = cmd.Wait()
		w.mu.Lock()
		w.cmd = nil
		w.mu.Unlock()
	}()
	return nil
}

// Close closes the window if open.
func (w *Window) Close() {
	w.mu.Lock()
	cmd := w.cmd
	w.mu.Unlock()
	if cmd != nil {
		_ = interrupt(cmd.Process)
	}
}

// Daemon is hydrogend started by the desktop app itself (portable mode,
// no service installed); it stops when the app quits.
type Daemon struct {
	cmd  *exec.Cmd
	done chan error
}

// StartDaemon starts hydrogend with args unless a daemon already answers
// on c (then it returns nil, nil), and waits until its API answers.
func StartDaemon(ctx context.Context, c *api.Client, path string, args []string, logTo io.Writer, log *slog.Logger) (*Daemon, error) {
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err := c.Status(pctx)
	cancel()
	if err == nil {
		log.Info("a node service already runs: using it")
		return nil, nil
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logTo, logTo
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	d := &Daemon{cmd: cmd, done: make(chan error, 1)}
	go func() { d.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := c.Status(pctx)
		cancel()
		if err == nil {
			log.Info("started the node service (portable mode)", "pid", cmd.Process.Pid)
			return d, nil
		}
		select {
		case err := <-d.done:
			return nil, fmt.Errorf("hydrogend exited: %v", err)
		case <-ctx.Done():
			d.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			d.Stop()
			return nil, errors.New("hydrogend did not open its API within 30 s")
		}
	}
}

// Stop asks the daemon to stop, and kills it after 30 s.
func (d *Daemon) Stop() error {
	if d == nil {
		return nil
	}
	_ = interrupt(d.cmd.Process)
	select {
	case err := <-d.done:
		return err
	case <-time.After(30 * time.Second):
		_ = d.cmd.Process.Kill()
		return errors.New("hydrogend did not stop within 30 s: killed")
	}
}
