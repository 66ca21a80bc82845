//go:build linux

package localapi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// TestMain lets the test binary act as an API client under another user.
func TestMain(m *testing.M) {
	if sock := os.Getenv("LOCALAPI_TEST_CLIENT"); sock != "" {
		_, err := (&api.Client{Socket: sock}).Status(context.Background())
		var e *api.Error
		switch {
		case err == nil:
			fmt.Println("ok")
		case errors.As(err, &e):
			fmt.Println(e.Code)
		default:
			fmt.Println("dial:", err)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestOtherUserRefused: a process of another user cannot connect (the
// socket is 0660), and even with the socket opened to all, the peer
// credentials check refuses it.
func TestOtherUserRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run a process as another user")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A copy of this test binary that nobody can execute.
	dir, err := os.MkdirTemp("", "hlapi-bin")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "client")
	b, _ := os.ReadFile(exe)
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := sockPath(t)
	os.Chmod(filepath.Dir(sock), 0o755)
	serve(t, sock, &fakeNode{}, me())
	asNobody := func() string {
		cmd := exec.Command(bin)
		cmd.Env = []string{"LOCALAPI_TEST_CLIENT=" + sock}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client: %v %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if out := asNobody(); !strings.Contains(out, "permission denied") {
		t.Fatalf("nobody connected to a 0660 socket: %q", out)
	}
	os.Chmod(sock, 0o666)
	if out := asNobody(); out != api.CodeForbidden {
		t.Fatalf("nobody through an open socket: %q, want %s", out, api.CodeForbidden)
	}
	// Finding 14: a member of the socket's group by a supplementary
	// group may read; the kernel says so at connect time (SO_PEERGROUPS),
	// not /proc/<pid>, which a reused PID could answer for.
	reader := sockPath(t)
	os.Chmod(filepath.Dir(reader), 0o755)
	serve(t, reader, &fakeNode{}, Access{Owner: uint32(os.Getuid()), Group: 4242})
	os.Chmod(reader, 0o666)
	cmd := exec.Command(bin)
	cmd.Env = []string{"LOCALAPI_TEST_CLIENT=" + reader}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{4242}}}
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("a member of the reading group: %v %q", err, out)
	}
	// Root itself is allowed.
	if _, err := (&api.Client{Socket: sock}).Status(context.Background()); err != nil {
		t.Fatal(err)
	}
}
