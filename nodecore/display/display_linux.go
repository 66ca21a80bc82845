//go:build linux || freebsd || openbsd || netbsd

package display

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/BurntSushi/xgb"
)

// dialTimeout bounds the X connection attempt: a display on an
// unreachable host would otherwise hang the caller.
const dialTimeout = 3 * time.Second

func detect(ctx context.Context) (Session, error) {
	return detectWith(ctx, unixEnv{getenv: os.Getenv, dialX: dialX, socketExists: socketExists})
}

// unixEnv is what detection needs from the system; tests replace it.
type unixEnv struct {
	getenv       func(string) string
	dialX        func(ctx context.Context, display string) error
	socketExists func(path string) bool
}

func detectWith(ctx context.Context, env unixEnv) (Session, error) {
	var errs []error
	if w := env.getenv("WAYLAND_DISPLAY"); w != "" {
		path := w
		if !filepath.IsAbs(path) {
			path = filepath.Join(env.getenv("XDG_RUNTIME_DIR"), w)
		}
		if env.socketExists(path) {
			return Session{Kind: KindWayland, Name: w}, nil
		}
		errs = append(errs, fmt.Errorf("WAYLAND_DISPLAY=%s but %s is not a socket", w, path))
	}
	if d := env.getenv("DISPLAY"); d != "" {
		if err := env.dialX(ctx, d); err != nil {
			errs = append(errs, fmt.Errorf("cannot connect to X display %s: %v", d, err))
		} else {
			return Session{Kind: KindX11, Name: d}, nil
		}
	}
	if len(errs) == 0 {
		return Session{}, fmt.Errorf("%w: neither DISPLAY nor WAYLAND_DISPLAY is set", ErrNoDisplay)
	}
	if len(errs) == 1 {
		return Session{}, fmt.Errorf("%w: %v", ErrNoDisplay, errs[0])
	}
	return Session{}, fmt.Errorf("%w: %v; %v", ErrNoDisplay, errs[0], errs[1])
}

func socketExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

var quietXGB sync.Once

// dialX opens and closes a connection to the X server, which also checks
// the authorization cookie.
func dialX(ctx context.Context, display string) error {
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		c, err := xgb.NewConnDisplay(display)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer: %w", ctx.Err())
	}
}
