//go:build !linux

package localapi

import (
	"errors"
	"net"
)

// peerCred is Linux-only in this build: elsewhere every caller is
// refused (macOS's LOCAL_PEERCRED and Windows named pipes come with their
// installers).
func peerCred(net.Conn) (Cred, error) {
	return Cred{}, errors.New("localapi: peer credentials are not supported on this platform yet")
}

func inGroup(pid, gid uint32) bool { return false }
