//go:build linux || freebsd || openbsd || netbsd

package display

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

func TestDetectWith(t *testing.T) {
	xUp := func(_ context.Context, d string) error {
		if d == ":0" {
			return nil
		}
		return errors.New("connection refused")
	}
	socks := map[string]bool{"/run/user/1000/wayland-0": true, "/tmp/custom-wl": true}
	tests := []struct {
		name    string
		env     map[string]string
		want    Session
		wantErr string
	}{
		{name: "nothing set", wantErr: "neither DISPLAY nor WAYLAND_DISPLAY"},
		{name: "X11 up", env: map[string]string{"DISPLAY": ":0"}, want: Session{KindX11, ":0"}},
		{name: "X11 down", env: map[string]string{"DISPLAY": ":7"}, wantErr: "cannot connect to X display :7"},
		{
			name: "Wayland in runtime dir",
			env:  map[string]string{"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": "/run/user/1000"},
			want: Session{KindWayland, "wayland-0"},
		},
		{
			name: "Wayland absolute socket",
			env:  map[string]string{"WAYLAND_DISPLAY": "/tmp/custom-wl"},
			want: Session{KindWayland, "/tmp/custom-wl"},
		},
		{
			name: "stale Wayland falls back to X11",
			env:  map[string]string{"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/run/user/1000", "DISPLAY": ":0"},
			want: Session{KindX11, ":0"},
		},
		{
			name:    "both broken names both",
			env:     map[string]string{"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/run/user/1000", "DISPLAY": ":7"},
			wantErr: "wayland-9 is not a socket; cannot connect to X display :7",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := unixEnv{
				getenv:       func(k string) string { return tt.env[k] },
				dialX:        xUp,
				socketExists: func(p string) bool { return socks[p] },
			}
			got, err := detectWith(context.Background(), env)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrNoDisplay containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestSocketExists(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "wayland-1")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	plain := filepath.Join(dir, "file")
	if err := os.WriteFile(plain, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if !socketExists(sock) {
		t.Error("a listening unix socket was not seen")
	}
	if socketExists(plain) || socketExists(filepath.Join(dir, "missing")) {
		t.Error("a plain or missing file was taken for a socket")
	}
}

// TestDialXRefused dials a display number nobody serves: it must fail fast
// with an error, not hang or crash.
func TestDialXRefused(t *testing.T) {
	if err := dialX(context.Background(), ":5917"); err == nil {
		t.Fatal("dialing an X display nobody serves succeeded")
	}
}

// TestDetectRealX checks the real X server the test script starts (Xvfb).
func TestDetectRealX(t *testing.T) {
	testenv.Display(t)
	d := os.Getenv("DISPLAY")
	t.Setenv("WAYLAND_DISPLAY", "")
	s, err := Detect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != KindX11 || s.Name != d {
		t.Fatalf("Detect = %v, want X11 display %s", s, d)
	}
}
