//go:build unix

package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
)

// SystemExeDir is where `service install` copies a binary that is not
// safe to run as root where it is.
const SystemExeDir = "/usr/local/lib/hydrogen"

// unsafeExecutable says why the file at path may not be registered to
// run as root, or "" when it may: the file and every directory above it
// must belong to root and be writable by nobody else (a sticky
// directory such as /tmp excepted, where others cannot replace what is
// root's). A binary in ~/Downloads, which the desktop user or anything
// running as them could replace, fails.
func unsafeExecutable(path string) string { return unsafePath(path, true) }

// unsafePath is unsafeExecutable for a file (file) or a directory.
func unsafePath(path string, file bool) string {
	p := path
	for i := 0; ; i++ {
		fi, err := os.Lstat(p)
		if err != nil {
			return err.Error()
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return "no owner for " + p
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return p + " is a symbolic link"
		case st.Uid != 0:
			return fmt.Sprintf("%s belongs to uid %d, not root", p, st.Uid)
		case fi.Mode().Perm()&0o022 != 0 && !(fi.IsDir() && fi.Mode()&fs.ModeSticky != 0):
			return fmt.Sprintf("%s can be written by others than root (mode %v)", p, fi.Mode().Perm())
		case i == 0 && file && !fi.Mode().IsRegular():
			return p + " is not a regular file"
		}
		up := filepath.Dir(p)
		if up == p {
			return ""
		}
		p = up
	}
}

// installExecutable returns the binary the service runs: exe itself when
// it is safe to run as root where it is, otherwise a copy in dir owned
// by root, mode 0755 (said in note).
//
// With self (exe is this process's binary) the copy is read from the
// running image (/proc/self/exe on Linux), not from the path, which its
// user could replace between the check and the copy.
func installExecutable(exe, dir string, self bool) (path, note string, err error) {
	why := unsafeExecutable(exe)
	if why == "" {
		return exe, "", nil
	}
	if os.Geteuid() != 0 {
		// Not root: the service manager refuses anyway; register as is.
		return exe, "", nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", "", err
	}
	if w := unsafePath(dir, false); w != "" {
		return "", "", fmt.Errorf("service: %s is not safe to install into: %s", dir, w)
	}
	from := exe
	if self && runtime.GOOS == "linux" {
		from = "/proc/self/exe"
	}
	src, err := os.Open(from)
	if err != nil {
		return "", "", err
	}
	defer src.Close()
	b, err := io.ReadAll(src)
	if err != nil {
		return "", "", err
	}
	dst := filepath.Join(dir, filepath.Base(exe))
	if err := atomicfile.Write(dst, b, 0o755); err != nil {
		return "", "", err
	}
	if w := unsafeExecutable(dst); w != "" {
		return "", "", errors.New("service: the installed copy is not safe: " + w)
	}
	return dst, fmt.Sprintf("%s is not safe to run as root (%s): installed a copy as %s", exe, why, dst), nil
}

// secureDataDir makes dir the service's: a directory (never a link), of
// root and the desktop's group gid (-1: root's), mode 0750, under parents
// only root may change, and every file already in it root's and writable
// by root only, so that nothing a user planted before the install (a
// network file, a withdrawal address, models) keeps their hand on it.
// Each directory is re-owned before its entries are read, every change is
// made through a descriptor opened without following links, and the
// engine containers' own directories (worker-*) are left to the worker,
// which prepares them at each start.
func secureDataDir(dir string, gid int) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("service: the data directory %s is not a directory (%s)", dir, fi.Mode().Type())
	}
	if os.Geteuid() != 0 {
		return nil // only root can re-own; the service manager needs root anyway
	}
	if why := unsafePath(filepath.Dir(dir), false); why != "" {
		return fmt.Errorf("service: the data directory %s is in a directory others may change: %s", dir, why)
	}
	if gid < 0 {
		gid = 0
	}
	if err := secureEntry(dir, 0, gid, 0o750); err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		if d.IsDir() && filepath.Dir(p) == dir && strings.HasPrefix(d.Name(), "worker-") {
			return fs.SkipDir
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return os.Lchown(p, 0, -1) // the link itself; never what it names
		}
		return secureEntry(p, 0, -1, 0)
	})
}

// secureEntry gives p to uid (and gid, unless -1) and takes group and
// world write away (or sets mode, unless 0), through a descriptor opened
// without following a link: a link swapped in is refused. A socket,
// which cannot be opened, is re-owned only.
func secureEntry(p string, uid, gid int, mode os.FileMode) error {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode().Type() == fs.ModeSocket {
			return os.Lchown(p, uid, gid)
		}
		return fmt.Errorf("service: securing %s: %w", p, err)
	}
	defer f.Close()
	if err := f.Chown(uid, gid); err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if mode == 0 {
		mode = fi.Mode().Perm() &^ 0o022
	}
	if fi.Mode().Perm() != mode {
		return f.Chmod(mode)
	}
	return nil
}

// groupMembers lists the users other than name whose primary group is
// gid or who are listed in it (/etc/passwd and /etc/group; accounts of a
// directory service are not seen).
func groupMembers(gid, name string) []string {
	return groupMembersIn(gid, name, "/etc/passwd", "/etc/group")
}

func groupMembersIn(gid, name, passwd, group string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && u != name && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	if b, err := os.ReadFile(passwd); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Split(line, ":")
			if len(f) >= 4 && f[3] == gid {
				add(f[0])
			}
		}
	}
	if b, err := os.ReadFile(group); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Split(line, ":")
			if len(f) >= 4 && f[2] == gid {
				for _, m := range strings.Split(f[3], ",") {
					add(strings.TrimSpace(m))
				}
			}
		}
	}
	return out
}
