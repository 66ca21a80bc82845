//go:build unix

package localapi

import (
	"errors"
	"net"
	"os"
	"slices"
)

// Listen opens the socket at path (replacing a stale one), mode 0660,
// owned by group gid (or left as created when gid is negative).
func Listen(path string, gid int) (net.Listener, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o660); err != nil {
		ln.Close()
		return nil, err
	}
	if gid >= 0 {
		if err := os.Chown(path, -1, gid); err != nil {
			ln.Close()
			return nil, err
		}
	}
	return ln, nil
}

func (a Access) canRead(c Cred) bool {
	return a.canWrite(c) || c.GID == a.Group || slices.Contains(c.Groups, a.Group) || inGroup(c.PID, a.Group)
}

func (a Access) canWrite(c Cred) bool {
	return c.UID == 0 || c.UID == a.Owner || slices.Contains(a.Writers, c.UID)
}

// Open opens the API's socket for a: group-owned by a.Group.
func Open(path string, a Access) (net.Listener, error) {
	gid := int(a.Group)
	if a.Group == uint32(os.Getegid()) || (a.Group == 0 && a.Owner == 0) {
		gid = -1 // the daemon's own group (or none given): leave it as created
	}
	return Listen(path, gid)
}

// onSocket runs f on the unix socket's file descriptor.
func onSocket(c net.Conn, f func(fd int) error) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return errors.New("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := raw.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
