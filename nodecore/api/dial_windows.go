//go:build windows

package api

import (
	"context"
	"net"

	"github.com/Microsoft/go-winio"
)

// DefaultSocket is the daemon's named pipe on Windows.
func DefaultSocket(dataDir string) string { return `\\.\pipe\hydrogend` }

func dial(ctx context.Context, path string) (net.Conn, error) {
	return winio.DialPipeContext(ctx, path)
}
