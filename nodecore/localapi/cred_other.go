//go:build unix && !linux && !darwin

package localapi

import (
	"errors"
	"net"
)

// peerCred is supported on Linux, macOS and Windows; on other systems
// every caller is refused.
func peerCred(net.Conn) (Cred, error) {
	return Cred{}, errors.New("localapi: peer credentials are not supported on this platform")
}

func inGroup(pid, gid uint32) bool { return false }
