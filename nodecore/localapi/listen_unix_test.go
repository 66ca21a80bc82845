//go:build unix

package localapi

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFinding12SocketRightsSetBeforeItIsReachable: the socket appears at
// its path with its mode and group already set (it is made in a private
// directory and renamed), a link planted at the path is replaced, never
// followed, and closing removes the socket.
func TestFinding12SocketRightsSetBeforeItIsReachable(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "target")
	os.WriteFile(target, []byte("x"), 0o600)
	path := filepath.Join(dir, "hydrogend.sock")
	os.Symlink(target, path)
	gid := os.Getegid()
	ln, err := Listen(path, gid)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o660 || int(fi.Sys().(*syscall.Stat_t).Gid) != gid {
		t.Fatalf("socket %v gid %d", fi.Mode(), fi.Sys().(*syscall.Stat_t).Gid)
	}
	if tfi, _ := os.Stat(target); tfi.Mode().Perm() != 0o600 {
		t.Fatalf("the link's target became %v", tfi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".hydrogend-sock-*")); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("the socket outlived its listener: %v", err)
	}
}
