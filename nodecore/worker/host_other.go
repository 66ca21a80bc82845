//go:build !linux

package worker

import (
	"net"
)

// peerUID is not known here: workers run only on Linux (New refuses
// elsewhere), so no connection is ever checked with it.
func peerUID(net.Conn) (int, error) { return 0, ErrUnsupported }

// hostMemory is not known here (see peerUID).
func hostMemory() uint64 { return 0 }
