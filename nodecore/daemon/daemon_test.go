package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// syncBuffer is a log sink the daemon's goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func quietConfig(t *testing.T) (Config, *syncBuffer) {
	t.Helper()
	dir, err := os.MkdirTemp("", "hyd") // a unix socket's path must stay short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	out := &syncBuffer{}
	return Config{
		DataDir: dir,
		Scrypt:  wallet.Scrypt{N: keystore.LightScryptN, P: keystore.LightScryptP},
		API:     API{Socket: filepath.Join(dir, "d.sock"), Group: -1},
		Log:     slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, out
}

// TestRunWaitsForSetupAndStops: an empty data directory brings the daemon
// up with only its local API, in setup mode, naming what the setup still
// needs; ending ctx stops every part and Run returns nil.
func TestRunWaitsForSetupAndStops(t *testing.T) {
	cfg, out := quietConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	c := &api.Client{Socket: cfg.API.Socket}
	var st api.Status
	deadline := time.Now().Add(20 * time.Second)
	for {
		qctx, qcancel := context.WithTimeout(ctx, 2*time.Second)
		var err error
		st, err = c.Status(qctx)
		qcancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the local API never answered: %v\n%s", err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.State != api.StateSetup || !strings.Contains(string(st.Reason), api.NeedWallet) || !strings.Contains(string(st.Reason), api.NeedNetwork) {
		t.Fatalf("status %+v, want setup needing the wallet and the network", st)
	}
	if !strings.Contains(out.String(), "waiting for the first-run steps") {
		t.Fatalf("log:\n%s", out)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return once ctx ended")
	}
}

// TestRunReportsWhatStopsIt: a step that fails before the daemon runs
// (a settings file that does not validate; a network file that does not
// load once set up) is Run's error, and nothing keeps running.
func TestRunReportsWhatStopsIt(t *testing.T) {
	t.Run("settings", func(t *testing.T) {
		cfg, _ := quietConfig(t)
		if err := os.WriteFile(filepath.Join(cfg.DataDir, "settings.json"), []byte(`{"tempLimitC": 999}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := Run(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "settings") {
			t.Fatalf("Run: %v", err)
		}
	})
	t.Run("network", func(t *testing.T) {
		cfg, _ := quietConfig(t)
		if _, err := wallet.Create(cfg.DataDir, "a passphrase", cfg.Scrypt); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfg.DataDir, "passphrase"), []byte("a passphrase"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfg.DataDir, "network.json"), []byte(`{"chainId": "0x1"`), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := Run(ctx, cfg)
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "network") {
			t.Fatalf("Run: %v (ctx %v)", err, ctx.Err())
		}
		if _, serr := os.Stat(cfg.API.Socket); serr == nil {
			c := &api.Client{Socket: cfg.API.Socket}
			qctx, qcancel := context.WithTimeout(context.Background(), time.Second)
			defer qcancel()
			if _, err := c.Status(qctx); err == nil {
				t.Fatal("the local API still answers after Run returned")
			}
		}
	})
}

// TestSupervisor: a kept part that fails is restarted; a vital part's
// error ends the group and is the result; ctx's end is not an error.
func TestSupervisor(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	sup, _ := newSupervisor(context.Background(), log)
	var starts atomic.Int32
	sup.keep("flaky", func(ctx context.Context) error {
		if starts.Add(1) < 2 {
			return errors.New("boom")
		}
		<-ctx.Done()
		return ctx.Err()
	})
	broke := errors.New("the node broke")
	sup.vital("node", func(ctx context.Context) error {
		for starts.Load() < 2 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
		return broke
	})
	if err := sup.wait(); !errors.Is(err, broke) || !strings.HasPrefix(err.Error(), "node: ") {
		t.Fatalf("wait: %v", err)
	}
	if starts.Load() != 2 {
		t.Fatalf("the kept part started %d times, want 2 (once restarted)", starts.Load())
	}

	ctx, cancel := context.WithCancel(context.Background())
	sup, _ = newSupervisor(ctx, log)
	sup.vital("api", func(ctx context.Context) error { <-ctx.Done(); return nil })
	sup.keep("loop", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	cancel()
	if err := sup.wait(); err != nil {
		t.Fatalf("stopped by ctx: %v", err)
	}

	sup, _ = newSupervisor(context.Background(), log)
	sup.optional("metrics", func(context.Context) error { return errors.New("listener closed") }) // logged, nothing stops
	sup.vital("node", func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return errors.New("an optional part's failure stopped the daemon")
		case <-time.After(100 * time.Millisecond):
		}
		return nil // ended on its own, no error
	})
	sup.keep("loop", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	if err := sup.wait(); err != nil {
		t.Fatalf("a vital part that ended cleanly: %v", err)
	}
}

// TestGPUProblemsAreCodes: what the sampler could not read reaches the
// API as a code the app translates, the driver's words beside it.
func TestGPUProblemsAreCodes(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		snap gpu.Snapshot
		want api.GPUProblem
	}{
		{gpu.Snapshot{At: now, Err: gpu.ErrNoDriver}, api.GPUNoDriver},
		{gpu.Snapshot{At: now, Err: fmt.Errorf("nvmlInit: %w", gpu.ErrNoPermission)}, api.GPUNoPermission},
		{gpu.Snapshot{At: now, Err: gpu.ErrUnsupported}, api.GPUUnsupported},
		{gpu.Snapshot{At: now, Err: errors.New("nvml: Unknown Error")}, api.GPUReadFailed},
		{gpu.Snapshot{At: now}, api.GPUNone},
	} {
		g := wireGPU(c.snap)
		if g == nil || g.Problem != c.want || (c.snap.Err != nil && g.Error != c.snap.Err.Error()) {
			t.Errorf("%v: %+v, want %s", c.snap.Err, g, c.want)
		}
	}
	if g := wireGPU(gpu.Snapshot{}); g != nil {
		t.Errorf("before the first sample: %+v", g)
	}
	if g := wireGPU(gpu.Snapshot{At: now, GPUs: []gpu.GPU{{Name: "RTX", HasTemp: true, TemperatureC: 60}}}); g == nil || g.Problem != "" || g.Name != "RTX" || g.TempC != 60 {
		t.Errorf("a card read: %+v", g)
	}
}
