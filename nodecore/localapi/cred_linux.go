//go:build linux

package localapi

import (
	"encoding/binary"
	"errors"
	"net"
	"unsafe"

	"golang.org/x/sys/unix"
)

// peerCred reads the connecting process's credentials as the kernel
// recorded them when it connected: its user and group (SO_PEERCRED) and
// its supplementary groups (SO_PEERGROUPS, Linux 4.13). Nothing is read
// from /proc/<pid>, whose process may have exited and its PID been
// reused by another's by the time a request is checked.
func peerCred(c net.Conn) (Cred, error) {
	var cred *unix.Ucred
	var groups []uint32
	err := onSocket(c, func(fd int) (err error) {
		if cred, err = unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED); err != nil {
			return err
		}
		groups, err = peerGroups(fd)
		if errors.Is(err, unix.ENOPROTOOPT) {
			err = nil // an older kernel: the primary group alone
		}
		return err
	})
	if err != nil {
		return Cred{}, err
	}
	return Cred{PID: uint32(cred.Pid), UID: cred.Uid, GID: cred.Gid, Groups: groups}, nil
}

// peerGroups is SO_PEERGROUPS: the peer's supplementary groups.
func peerGroups(fd int) ([]uint32, error) {
	buf := make([]byte, 4*64)
	for {
		n := uint32(len(buf))
		_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_PEERGROUPS,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
		if e == unix.ERANGE && int(n) > len(buf) && n <= 4*65536 {
			buf = make([]byte, n)
			continue
		}
		if e != 0 {
			return nil, e
		}
		out := make([]uint32, n/4)
		for i := range out {
			out[i] = binary.NativeEndian.Uint32(buf[4*i:])
		}
		return out, nil
	}
}

// inGroup is answered by the groups SO_PEERGROUPS gives.
func inGroup(pid, gid uint32) bool { return false }
