//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

// needRoot skips (or fails under CI, which runs as root) a test that
// must create files of other users.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	testenv.Require(t, false, "root")
}

func owner(t *testing.T, p string) (uid, gid uint32, mode os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid, fi.Mode()
}

// TestFinding12ServiceExecutableSafe: a binary another user could
// replace (theirs, in a directory writable by others, a link) is not
// registered to run as root where it is: a root-owned copy is, in a
// directory only root may write.
func TestFinding12ServiceExecutableSafe(t *testing.T) {
	needRoot(t)
	base := t.TempDir()
	mk := func(name string, perm os.FileMode, uid int) string {
		p := filepath.Join(base, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), perm); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, perm)
		os.Lchown(p, uid, uid)
		return p
	}
	safe := mk("ok/hydrogend", 0o755, 0)
	users := mk("home/hydrogend", 0o755, 65534)
	group := mk("grp/hydrogend", 0o775, 0)
	open := mk("open/hydrogend", 0o755, 0)
	os.Chmod(filepath.Dir(open), 0o777) // like a shared Downloads directory
	link := filepath.Join(base, "link")
	os.Symlink(safe, link)
	for _, c := range []struct {
		path, why string
	}{{safe, ""}, {users, "belongs to uid 65534"}, {group, "can be written by others"}, {open, "can be written by others"}, {link, "symbolic link"}} {
		if got := unsafeExecutable(c.path); (c.why == "") != (got == "") || !strings.Contains(got, c.why) {
			t.Errorf("%s: %q, want %q", c.path, got, c.why)
		}
	}
	dir := filepath.Join(base, "lib")
	got, note, err := installExecutable(users, dir, false)
	if err != nil || got != filepath.Join(dir, "hydrogend") || !strings.Contains(note, "installed a copy") {
		t.Fatalf("install: %s %q %v", got, note, err)
	}
	if why := unsafeExecutable(got); why != "" {
		t.Fatalf("the copy is not safe: %s", why)
	}
	if uid, _, mode := owner(t, got); uid != 0 || mode.Perm() != 0o755 {
		t.Fatalf("the copy is uid %d mode %v", uid, mode)
	}
	if b, _ := os.ReadFile(got); string(b) != "#!/bin/sh\n" {
		t.Fatal("the copy differs")
	}
	if got, note, err := installExecutable(safe, dir, false); err != nil || got != safe || note != "" {
		t.Fatalf("a safe binary: %s %q %v", got, note, err)
	}
}

// TestFinding12DataDirReowned: installing over an existing data directory
// makes it root's with the desktop group, and takes every file planted
// in it from the user who planted it; a data directory that is a link is
// refused.
func TestFinding12DataDirReowned(t *testing.T) {
	needRoot(t)
	dir := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(filepath.Join(dir, "models"), 0o777)
	planted := filepath.Join(dir, "network.json")
	os.WriteFile(planted, []byte("{}"), 0o666)
	os.Chmod(planted, 0o666)
	os.Lchown(planted, 65534, 65534)
	os.Lchown(dir, 65534, 65534)
	outside := filepath.Join(t.TempDir(), "outside")
	os.WriteFile(outside, []byte("x"), 0o666)
	os.Chmod(outside, 0o666)
	os.Lchown(outside, 65534, 65534)
	os.Symlink(outside, filepath.Join(dir, "link"))
	run := filepath.Join(dir, "worker-image", "run")
	os.MkdirAll(run, 0o700)
	os.Lchown(run, 65533, 65533) // the engine container's, prepared by the worker
	if err := secureDataDir(dir, 100); err != nil {
		t.Fatal(err)
	}
	if uid, _, _ := owner(t, run); uid != 65533 {
		t.Errorf("the engine's directory was taken: uid %d", uid)
	}
	if uid, gid, mode := owner(t, dir); uid != 0 || gid != 100 || mode.Perm() != 0o750 {
		t.Errorf("data directory uid %d gid %d mode %v", uid, gid, mode.Perm())
	}
	if uid, _, mode := owner(t, planted); uid != 0 || mode.Perm() != 0o644 {
		t.Errorf("planted file uid %d mode %v", uid, mode.Perm())
	}
	if _, _, mode := owner(t, filepath.Join(dir, "models")); mode.Perm() != 0o755 {
		t.Errorf("models directory mode %v", mode.Perm())
	}
	if uid, _, mode := owner(t, outside); uid != 65534 || mode.Perm() != 0o666 {
		t.Errorf("a link's target was changed: uid %d mode %v", uid, mode.Perm())
	}
	open := filepath.Join(t.TempDir(), "open")
	os.MkdirAll(open, 0o777)
	os.Chmod(open, 0o777) // anyone may swap what is in it
	if err := secureDataDir(filepath.Join(open, "data"), 100); err == nil {
		t.Error("a data directory in a directory anyone may change was accepted")
	}
	linked := filepath.Join(t.TempDir(), "linked")
	os.Symlink(dir, linked)
	if err := secureDataDir(linked, 100); err == nil {
		t.Error("a data directory that is a link was accepted")
	}
}

// TestFinding13SharedDesktopGroup: the users who share a primary group
// are found, so that the socket is not opened to all of them.
func TestFinding13SharedDesktopGroup(t *testing.T) {
	dir := t.TempDir()
	passwd := filepath.Join(dir, "passwd")
	group := filepath.Join(dir, "group")
	os.WriteFile(passwd, []byte("root:x:0:0::/root:/bin/sh\nann:x:1000:100::/home/ann:/bin/sh\nbob:x:1001:100::/home/bob:/bin/sh\ncat:x:1002:1002::/home/cat:/bin/sh\n"), 0o644)
	os.WriteFile(group, []byte("root:x:0:\nusers:x:100:dan\ncat:x:1002:\n"), 0o644)
	if got := groupMembersIn("100", "ann", passwd, group); !slices.Equal(got, []string{"bob", "dan"}) {
		t.Errorf("users shares with %v", got)
	}
	if got := groupMembersIn("1002", "cat", passwd, group); len(got) != 0 {
		t.Errorf("a private group shared with %v", got)
	}
}
