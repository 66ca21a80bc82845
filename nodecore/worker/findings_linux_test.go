package worker

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// testWorker is a worker whose directories are under a temporary
// directory; nothing here talks to Docker.
func testWorker(t *testing.T) *Worker {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "models"), 0o755)
	w, err := New(context.Background(), nil, Config{
		Image: "x", Role: "image", Owner: "test", ModelDir: filepath.Join(dir, "models"),
		RunDir: filepath.Join(dir, "run"), OutputDir: filepath.Join(dir, "out"), Socket: "engine.sock", HealthPath: "/",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.prepareDirs(); err != nil {
		t.Fatal(err)
	}
	return w
}

// serveUnix serves HTTP 200 on a unix socket at path, as this process's
// user, and returns how many requests reached it.
func serveUnix(t *testing.T, path string) *int {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	hits := new(int)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { *hits++ })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return hits
}

// TestFinding11SocketRedirectRefused: the container owns the directory
// of the engine's socket; a symlink it plants there to another socket of
// the host (Docker's own, say), or a socket served by any other user
// than the container's, is refused and no request reaches it.
func TestFinding11SocketRedirectRefused(t *testing.T) {
	if os.Getuid() == ContainerUID {
		t.Skip("the test runs as the container's user")
	}
	w := testWorker(t)
	host := filepath.Join(t.TempDir(), "docker.sock") // a host socket, served by this test's user
	hits := serveUnix(t, host)
	if err := os.Symlink(host, w.SocketPath()); err != nil {
		t.Fatal(err)
	}
	_, err := w.HTTPClient().Get(BaseURL + "/containers/json")
	if !errors.Is(err, ErrNotTheEngine) {
		t.Fatalf("through a symlink: err = %v, want ErrNotTheEngine", err)
	}
	os.Remove(w.SocketPath())
	serveUnix(t, w.SocketPath()) // a socket of another user than the container's
	_, err = w.HTTPClient().Get(BaseURL + "/")
	if !errors.Is(err, ErrNotTheEngine) {
		t.Fatalf("another user's socket: err = %v, want ErrNotTheEngine", err)
	}
	if *hits != 0 {
		t.Fatalf("%d requests reached the host's socket", *hits)
	}
}

// TestFinding14ContainerLimits: the engine runs as a user id of its own
// (not the host's nobody), with a CPU bound, and with a memory bound
// that fits the host.
func TestFinding14ContainerLimits(t *testing.T) {
	w := testWorker(t)
	spec := w.spec()
	if spec.Config.User == "65534:65534" || spec.Config.User != ContainerUser {
		t.Errorf("runs as %q", spec.Config.User)
	}
	r := spec.HostConfig.Resources
	if want := int64(max(runtime.NumCPU()-1, 1)) * 1e9; r.NanoCPUs != want {
		t.Errorf("CPU bound %d, want %d", r.NanoCPUs, want)
	}
	if total := hostMemory(); total == 0 || uint64(r.Memory) > total/4*3 && r.Memory != 16<<30 {
		t.Errorf("memory bound %d on a host of %d", r.Memory, total)
	}
	for _, c := range []struct {
		total uint64
		want  int64
	}{{0, 16 << 30}, {64 << 30, 16 << 30}, {8 << 30, 6 << 30}, {16 << 30, 12 << 30}} {
		if got := defaultMemory(c.total); got != c.want {
			t.Errorf("defaultMemory(%d) = %d, want %d", c.total, got, c.want)
		}
	}
}

// TestFinding6OutputsCleaned: the engine's output directory is emptied
// (a link in it is removed, its target kept), as after every task.
func TestFinding6OutputsCleaned(t *testing.T) {
	w := testWorker(t)
	keep := filepath.Join(t.TempDir(), "keep")
	os.WriteFile(keep, []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(w.cfg.OutputDir, "sub"), 0o755)
	os.WriteFile(filepath.Join(w.cfg.OutputDir, "sub", "hydrogen_00001_.png"), make([]byte, 1<<20), 0o644)
	os.Symlink(filepath.Dir(keep), filepath.Join(w.cfg.OutputDir, "link"))
	if err := w.CleanOutput(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(w.cfg.OutputDir); len(left) != 0 {
		t.Fatalf("%d entries left", len(left))
	}
	if _, err := os.Stat(keep); err != nil {
		t.Fatalf("a link's target was removed: %v", err)
	}
}
