//go:build darwin

package localapi

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerCred reads the connecting process's credentials (LOCAL_PEERCRED,
// with its groups, and LOCAL_PEERPID).
func peerCred(c net.Conn) (Cred, error) {
	var xu *unix.Xucred
	var pid int
	err := onSocket(c, func(fd int) (err error) {
		if xu, err = unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED); err != nil {
			return err
		}
		pid, err = unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
		return err
	})
	if err != nil {
		return Cred{}, err
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
