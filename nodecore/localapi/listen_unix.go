//go:build unix

package localapi

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
)

// Listen opens the socket at path (replacing a stale one), mode 0660,
// owned by group gid (or left as created when gid is negative). The
// socket is made, given its mode and group in a private directory
// beside path, then renamed into place: nothing at path (a link planted
// there) is ever followed, and no one can connect before its rights are
// set.
func Listen(path string, gid int) (net.Listener, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".hydrogend-sock-*") // 0700
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	made := filepath.Join(tmp, "s")
	ln, err := net.Listen("unix", made)
	if err != nil {
		return nil, err
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false) // it moves; Close removes it where it is
	fail := func(err error) (net.Listener, error) { ln.Close(); return nil, err }
	if err := os.Chmod(made, 0o660); err != nil {
		return fail(err)
	}
	if gid >= 0 {
		if err := os.Lchown(made, -1, gid); err != nil {
			return fail(err)
		}
	}
	if err := os.Rename(made, path); err != nil { // replaces a stale socket, or a link, itself
		return fail(err)
	}
	return &socketListener{Listener: ln, path: path}, nil
}

// socketListener removes its socket file when closed.
type socketListener struct {
	net.Listener
	path string
}

func (l *socketListener) Close() error {
	err := l.Listener.Close()
	if rmErr := os.Remove(l.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) && err == nil {
		err = rmErr
	}
	return err
}

func (a Access) canRead(c Cred) bool {
	return a.canWrite(c) || c.GID == a.Group || slices.Contains(c.Groups, a.Group) || inGroup(c.PID, a.Group)
}

func (a Access) canWrite(c Cred) bool {
	return c.UID == 0 || c.UID == a.Owner || slices.Contains(a.Writers, c.UID)
}

// canAdmin reports whether c may take the wallet's key out of a running
// node: root, or the daemon's own user (a portable node, whose files that
// user holds anyway) — not the desktop users the service lets write.
func (a Access) canAdmin(c Cred) bool { return c.UID == 0 || c.UID == a.Owner }

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
