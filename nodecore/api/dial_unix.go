//go:build !windows

package api

import (
	"context"
	"net"
	"path/filepath"
)

// DefaultSocket is the daemon's unix socket in its data directory.
func DefaultSocket(dataDir string) string { return filepath.Join(dataDir, "hydrogend.sock") }

func dial(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}
