//go:build darwin

package localapi

import (
	"errors"
	"net"

	"golang.org/x/sys/unix"
)

// peerCred reads the connecting process's credentials (LOCAL_PEERCRED,
// with its groups, and LOCAL_PEERPID).
func peerCred(c net.Conn) (Cred, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return Cred{}, errors.New("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return Cred{}, err
	}
	var xu *unix.Xucred
	var pid int
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		if xu, cerr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED); cerr == nil {
			pid, cerr = unix.GetsockoptInt(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERPID)
		}
	}); err != nil {
		return Cred{}, err
	}
	if cerr != nil {
		return Cred{}, cerr
	}
	cred := Cred{PID: uint32(pid), UID: xu.Uid}
	for i := 0; i < int(xu.Ngroups) && i < len(xu.Groups); i++ {
		cred.Groups = append(cred.Groups, xu.Groups[i])
	}
	if len(cred.Groups) > 0 {
		cred.GID = cred.Groups[0] // the effective group comes first
	}
	return cred, nil
}

// inGroup is answered by the groups LOCAL_PEERCRED gives.
func inGroup(pid, gid uint32) bool { return false }
