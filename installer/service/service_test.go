//go:build !windows

package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
)

// TestSupervisorBackoff: a failing child is restarted after pauses that
// double up to the maximum; one that exits 2 is not restarted; ending the
// context stops a running child.
func TestSupervisorBackoff(t *testing.T) {
	var mu sync.Mutex
	var starts []time.Time
	s := &Supervisor{Exe: "/bin/sh", Args: []string{"-c", "exit 1"}, MinBackoff: 20 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, ResetAfter: time.Hour,
		Started: func(int) { mu.Lock(); starts = append(starts, time.Now()); mu.Unlock() }}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(starts) < 5 {
		t.Fatalf("%d starts", len(starts))
	}
	// Pauses grow: 20, 40, 80, 80 ms, less the jitter at most (longer
	// is fine: the machine may be slow).
	for i, ms := range []float64{20, 40, 80, 80} {
		want := time.Duration(ms * (1 - backoff.Jitter) * float64(time.Millisecond))
		if gap := starts[i+1].Sub(starts[i]); gap < want {
			t.Errorf("pause %d: %v, want ≥ %v", i, gap, want)
		}
	}

	bad := &Supervisor{Exe: "/bin/sh", Args: []string{"-c", "exit 2"}, MinBackoff: time.Millisecond}
	if err := bad.Run(context.Background()); !errors.Is(err, ErrBadCommandLine) {
		t.Fatalf("exit 2: %v", err)
	}

	long := &Supervisor{Exe: "/bin/sleep", Args: []string{"60"}, StopWait: 5 * time.Second}
	ctx2, cancel2 := context.WithCancel(context.Background())
	done := make(chan error, 1)
	started := make(chan int, 1)
	long.Started = func(pid int) { started <- pid }
	go func() { done <- long.Run(ctx2) }()
	pid := <-started
	cancel2()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the supervisor did not stop its child")
	}
	if p, err := os.FindProcess(pid); err == nil && p.Signal(nilSignal) == nil {
		t.Errorf("child %d still runs", pid)
	}
}

// TestCleanSysV removes only the service's own rc links, pid file and
// logs.
func TestCleanSysV(t *testing.T) {
	root := t.TempDir()
	old := sysvDirs
	defer func() { sysvDirs = old }()
	sysvDirs.etc, sysvDirs.run, sysvDirs.log = filepath.Join(root, "etc"), filepath.Join(root, "run"), filepath.Join(root, "log")
	script := filepath.Join(sysvDirs.etc, "init.d", "hyd")
	other := filepath.Join(sysvDirs.etc, "init.d", "other")
	for _, d := range []string{"init.d", "rc2.d", "rc0.d"} {
		if err := os.MkdirAll(filepath.Join(sysvDirs.etc, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{sysvDirs.run, sysvDirs.log} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(p string) {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	mk(other)
	link(script, filepath.Join(sysvDirs.etc, "rc2.d", "S50hyd"))
	link(script, filepath.Join(sysvDirs.etc, "rc0.d", "K02hyd"))
	link(other, filepath.Join(sysvDirs.etc, "rc2.d", "S50other"))
	link(other, filepath.Join(sysvDirs.etc, "rc2.d", "S01hyd")) // same name, another target: kept
	mk(filepath.Join(sysvDirs.run, "hyd.pid"))
	mk(filepath.Join(sysvDirs.log, "hyd.log"))
	mk(filepath.Join(sysvDirs.log, "other.log"))
	if err := cleanSysV("hyd"); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"etc/rc2.d/S50hyd": false, "etc/rc0.d/K02hyd": false, "run/hyd.pid": false, "log/hyd.log": false,
		"etc/rc2.d/S50other": true, "etc/rc2.d/S01hyd": true, "log/other.log": true, "etc/init.d/other": true,
	} {
		_, err := os.Lstat(filepath.Join(root, p))
		if (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", p, err == nil, want)
		}
	}
	if err := ValidName("a/b"); err == nil {
		t.Error("a/b is a service name")
	}
}
