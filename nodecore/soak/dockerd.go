package soak

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

// dockerd is a Docker engine of the soak's own (its socket, data and
// state under dir; vfs storage, no bridge, no iptables rules), so that
// restarting it mid-task disturbs nothing else on the machine.
type dockerd struct {
	bin, dir string
	cmd      *exec.Cmd
	done     chan struct{}
}

// Host is the engine's URL for DOCKER_HOST and -docker-host.
func (d *dockerd) Host() string { return "unix://" + filepath.Join(d.dir, "docker.sock") }

// start runs the engine and waits until it answers.
func (d *dockerd) start(ctx context.Context) error {
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(d.dir, "dockerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(d.bin, "--host", d.Host(), "--data-root", filepath.Join(d.dir, "data"),
		"--exec-root", filepath.Join(d.dir, "exec"), "--pidfile", filepath.Join(d.dir, "docker.pid"),
		"--storage-driver=vfs", "--iptables=false", "--bridge=none")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("soak: start dockerd: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	d.cmd, d.done = cmd, done
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := worker.Connect(ctx, d.Host()); err == nil {
			_, perr := c.Ping(ctx, client.PingOptions{})
			c.Close()
			if perr == nil {
				return nil
			}
		}
		select {
		case <-done:
			return fmt.Errorf("soak: dockerd exited at start (see %s)", filepath.Join(d.dir, "dockerd.log"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("soak: dockerd did not answer within 60 s")
}

// stop asks the engine to stop and waits (killing it after 30 s).
func (d *dockerd) stop() {
	if d.cmd == nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
	d.cmd = nil
}

// restart stops the engine and starts it again.
func (d *dockerd) restart(ctx context.Context) error {
	d.stop()
	return d.start(ctx)
}
