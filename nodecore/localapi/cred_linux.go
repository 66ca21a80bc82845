//go:build linux

package localapi

import (
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// peerCred reads the connecting process's credentials (SO_PEERCRED).
func peerCred(c net.Conn) (Cred, error) {
	var cred *unix.Ucred
	err := onSocket(c, func(fd int) (err error) {
		cred, err = unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
		return err
	})
	if err != nil {
		return Cred{}, err
	}
	return Cred{PID: uint32(cred.Pid), UID: cred.Uid, GID: cred.Gid}, nil
}

// inGroup reports whether process pid has gid among its supplementary
// groups (/proc/<pid>/status).
func inGroup(pid, gid uint32) bool {
	b, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Groups:"); ok {
			for _, f := range strings.Fields(rest) {
				if f == strconv.FormatUint(uint64(gid), 10) {
					return true
				}
			}
		}
	}
	return false
}
