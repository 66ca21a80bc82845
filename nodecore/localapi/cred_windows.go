//go:build windows

package localapi

import (
	"errors"
	"fmt"
	"net"
	"os/user"
	"slices"
	"strings"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// Listen opens the named pipe at path (e.g. \\.\pipe\hydrogend) with an
// ACL for SYSTEM, Administrators and the given users (SIDs); the
// daemon's own user is added. gid is unused on Windows.
func Listen(path string, users []string) (net.Listener, error) {
	me, err := user.Current()
	if err != nil {
		return nil, err
	}
	sddl := "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
	for _, sid := range append([]string{me.Uid}, users...) {
		if _, err := windows.StringToSid(sid); err != nil {
			return nil, fmt.Errorf("localapi: %q is not a SID: %w", sid, err)
		}
		sddl += "(A;;GRGW;;;" + sid + ")"
	}
	return winio.ListenPipe(path, &winio.PipeConfig{SecurityDescriptor: sddl, InputBufferSize: 64 << 10, OutputBufferSize: 64 << 10})
}

// peerCred identifies the pipe's client: its process, the process's user
// and whether it runs as SYSTEM or an elevated administrator.
func peerCred(c net.Conn) (Cred, error) {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return Cred{}, errors.New("not a named pipe")
	}
	var pid uint32
	if err := windows.GetNamedPipeClientProcessId(windows.Handle(f.Fd()), &pid); err != nil {
		return Cred{}, err
	}
	proc, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return Cred{}, err
	}
	defer windows.CloseHandle(proc)
	var tok windows.Token
	if err := windows.OpenProcessToken(proc, windows.TOKEN_QUERY, &tok); err != nil {
		return Cred{}, err
	}
	defer tok.Close()
	tu, err := tok.GetTokenUser()
	if err != nil {
		return Cred{}, err
	}
	cred := Cred{PID: pid, SID: tu.User.Sid.String()}
	system, _ := windows.CreateWellKnownSid(windows.WinLocalSystemSid)
	admins, _ := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if system != nil && tu.User.Sid.Equals(system) {
		cred.Admin = true
	} else if admins != nil {
		if member, err := tok.IsMember(admins); err == nil && member {
			cred.Admin = true
		}
	}
	return cred, nil
}

func inGroup(pid, gid uint32) bool { return false }

func (a Access) canRead(c Cred) bool { return a.canWrite(c) }

// canAdmin reports whether c may take the wallet's key out of a running
// node: SYSTEM or an elevated administrator.
func (a Access) canAdmin(c Cred) bool { return c.Admin }

func (a Access) canWrite(c Cred) bool {
	return c.Admin || (c.SID != "" && slices.ContainsFunc(a.Users, func(s string) bool { return strings.EqualFold(s, c.SID) }))
}

// Open opens the API's pipe for a: Listen with a's users.
func Open(path string, a Access) (net.Listener, error) { return Listen(path, a.Users) }
