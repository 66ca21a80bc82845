package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/comfyui"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/openai"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
)

var (
	buildOnce sync.Once
	buildErr  error
)

// docker connects to the test's engine and builds the reference image
// once. Without an engine the test is skipped, or fails under CI
// (HYDROGEN_TEST_FULL=1).
func docker(t *testing.T) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := testenv.Docker(t, worker.Connect)
	buildOnce.Do(func() { buildErr = refimage.Build(ctx, c) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return c
}

const testModel = "base:runwayml/stable-diffusion-v1-5"

// newWorker returns a worker on the reference image with a model cache
// holding testModel.
func newWorker(t *testing.T, d worker.Docker, mutate func(*worker.Config)) (*worker.Worker, worker.Config) {
	t.Helper()
	dir := t.TempDir()
	cache := filepath.Join(dir, "models")
	if err := os.MkdirAll(filepath.Join(cache, "checkpoints", "runwayml"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cache, "checkpoints", "runwayml", "stable-diffusion-v1-5.safetensors"), []byte("weights"), 0o644)
	cfg := worker.Config{
		Image: refimage.Tag, Cmd: refimage.Cmd(""), Role: "image", Owner: "test" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-"),
		ModelDir: cache, RunDir: filepath.Join(dir, "run"), OutputDir: filepath.Join(dir, "out"),
		Socket: refimage.Socket, HealthPath: "/system_stats", HealthTimeout: 30 * time.Second,
		Memory: 256 << 20, Pids: 64,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := worker.New(ctx, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.Close()
		cancel()
	})
	return w, cfg
}

func imageArgs() engine.Args {
	return engine.Args{Kind: engine.KindImage, Model: testModel, Prompt: "a lighthouse at dusk", Seed: 42, Width: 128, Height: 96, Count: 2}
}

func textArgs() engine.Args {
	return engine.Args{Kind: engine.KindText, Model: "base:meta-llama/llama-3.1-8b-instruct", Prompt: "Why is the sky blue?", Seed: 7, MaxTokens: 48}
}

// TestLifecycle: build, create, health, an image and a text task through
// the adapters with results byte-identical to the in-process reference
// engine, the container's confinement as Docker reports it, release.
func TestLifecycle(t *testing.T) {
	d := docker(t)
	w, cfg := newWorker(t, d, nil)
	ctx := context.Background()
	img := &worker.Engine{W: w, Inner: &comfyui.Engine{HTTP: w.HTTPClient(), Base: worker.BaseURL, CacheDir: cfg.ModelDir, Poll: 20 * time.Millisecond}}
	got, err := img.Run(ctx, imageArgs())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := reference.Engine{}.Run(ctx, imageArgs())
	if len(got.Images) != 2 || !bytes.Equal(got.Images[0], want.Images[0]) || !bytes.Equal(got.Images[1], want.Images[1]) {
		t.Fatalf("the container's images differ from the in-process reference engine's (%d images)", len(got.Images))
	}
	txt := &worker.Engine{W: w, Inner: &openai.Engine{HTTP: w.HTTPClient(), Base: worker.BaseURL}}
	gotText, err := txt.Run(ctx, textArgs())
	if err != nil {
		t.Fatal(err)
	}
	wantText, _ := reference.Engine{}.Run(ctx, textArgs())
	if gotText.Text != wantText.Text || !strings.Contains(gotText.Text, "synthetic") {
		t.Fatalf("text %q, want %q", gotText.Text, wantText.Text)
	}
	// A warm engine's outputs do not pile up: each task's are removed.
	if err := os.WriteFile(filepath.Join(cfg.OutputDir, "hydrogen_00001_.png"), []byte("an earlier task's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := img.Run(ctx, imageArgs()); err != nil {
		t.Fatal(err)
	}
	if left, err := os.ReadDir(cfg.OutputDir); err != nil || len(left) != 0 {
		t.Fatalf("outputs left after a task: %d %v", len(left), err)
	}

	// The container's output reached the daemon's log.
	if tail := strings.Join(w.Tail(), "\n"); !strings.Contains(tail, "serving on /run/hydrogen/engine.sock") {
		t.Errorf("the engine's log lines were not streamed: %q", tail)
	}
	id := w.ContainerID()
	ins, err := d.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := ins.Container
	checks := map[string]bool{
		"managed label":        c.Config.Labels[worker.LabelManaged] == "true",
		"owner label":          c.Config.Labels[worker.LabelOwner] == cfg.Owner,
		"gpu label":            c.Config.Labels[worker.LabelGPU] == "none",
		"no network":           string(c.HostConfig.NetworkMode) == "none",
		"read-only root":       c.HostConfig.ReadonlyRootfs,
		"all caps dropped":     len(c.HostConfig.CapDrop) == 1 && strings.EqualFold(c.HostConfig.CapDrop[0], "ALL") && len(c.HostConfig.CapAdd) == 0,
		"no-new-privileges":    len(c.HostConfig.SecurityOpt) == 1 && c.HostConfig.SecurityOpt[0] == "no-new-privileges:true",
		"not root":             c.Config.User == worker.ContainerUser,
		"memory limit":         c.HostConfig.Memory == cfg.Memory,
		"pids limit":           c.HostConfig.PidsLimit != nil && *c.HostConfig.PidsLimit == cfg.Pids,
		"not privileged":       !c.HostConfig.Privileged,
		"no published ports":   len(c.HostConfig.PortBindings) == 0,
		"running":              c.State != nil && c.State.Running,
		"no GPU requested":     len(c.HostConfig.DeviceRequests) == 0,
		"tmpfs /tmp only":      len(c.HostConfig.Tmpfs) == 1 && c.HostConfig.Tmpfs["/tmp"] != "",
		"three mounts exactly": len(c.Mounts) == 3,
	}
	for _, m := range c.Mounts {
		switch m.Destination {
		case worker.ModelsPath:
			checks["models read-only"] = !m.RW && m.Source == cfg.ModelDir
		case worker.RunPath:
			checks["socket dir writable"] = m.RW
		case worker.OutputPath:
			checks["output dir writable"] = m.RW
		}
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("container check failed: %s", name)
		}
	}
	if len(checks) != 19 {
		t.Errorf("%d checks ran, want 19 (a mount is missing)", len(checks))
	}

	if err := w.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); !cerrdefs.IsNotFound(err) {
		t.Fatalf("the container is still there after Release: %v", err)
	}
	// Warm brings it back for the next task.
	if _, err := img.Run(ctx, imageArgs()); err != nil {
		t.Fatalf("after release: %v", err)
	}
	if w.ContainerID() == "" || w.ContainerID() == id {
		t.Fatal("no fresh container after release")
	}
}

// execIn runs a command in the container and returns its output.
func execIn(t *testing.T, d *client.Client, id string, cmd ...string) (string, int) {
	t.Helper()
	ctx := context.Background()
	ex, err := d.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	at, err := d.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer at.Close()
	var out, errb bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errb, at.Reader); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	st, err := d.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out.String() + errb.String(), st.ExitCode
}

// hostAddress returns a non-loopback address of this machine.
func hostAddress(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
			return ip.IP.String()
		}
	}
	t.Fatal("this machine has no non-loopback IPv4 address to listen on")
	return ""
}

// TestNoEgress: inside the container there is only the loopback
// interface and no route at all; a connection to a listener this test
// runs on one of this machine's own addresses fails, while the node
// still reaches the engine through its socket. No packet leaves the
// machine: the only target is this test's own listener.
func TestNoEgress(t *testing.T) {
	d := docker(t)
	w, _ := newWorker(t, d, nil)
	ctx := context.Background()
	if err := w.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(hostAddress(t), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// The listener works from the host.
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err != nil {
		t.Fatalf("the test's own listener is unreachable from the host: %v", err)
	} else {
		c.Close()
	}
	out, code := execIn(t, d, w.ContainerID(), "/hydrogen-refengine", "probe", "-dial", ln.Addr().String())
	if code != 0 {
		t.Fatalf("probe exit %d: %s", code, out)
	}
	var r struct {
		Interfaces []string
		Routes     []string
		Dial       string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("probe output %q: %v", out, err)
	}
	if len(r.Interfaces) != 1 || !strings.HasPrefix(r.Interfaces[0], "lo ") {
		t.Errorf("interfaces inside the container: %v, want loopback only", r.Interfaces)
	}
	for _, route := range r.Routes {
		if !strings.Contains(route, " lo") && !strings.HasSuffix(route, " lo") {
			t.Errorf("a route off loopback inside the container: %q", route)
		}
	}
	if r.Dial == "ok" || r.Dial == "" {
		t.Fatalf("the container reached %s: %q", ln.Addr(), r.Dial)
	}
	if !strings.Contains(r.Dial, "unreachable") {
		t.Errorf("dial failed with %q, want network unreachable", r.Dial)
	}
	// And the node still reaches the engine.
	resp, err := w.HTTPClient().Get(worker.BaseURL + "/system_stats")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the engine is unreachable through its socket: %v", err)
	}
	resp.Body.Close()
}

// TestKilledMidTask: the container dies during a task: the task fails
// with the reason, and the next task gets a new container.
func TestKilledMidTask(t *testing.T) {
	d := docker(t)
	w, cfg := newWorker(t, d, func(c *worker.Config) { c.Cmd = refimage.Cmd("100ms") })
	ctx := context.Background()
	e := &worker.Engine{W: w, Inner: &comfyui.Engine{HTTP: w.HTTPClient(), Base: worker.BaseURL, CacheDir: cfg.ModelDir, Poll: 20 * time.Millisecond}}
	if err := w.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	id := w.ContainerID()
	go func() {
		time.Sleep(500 * time.Millisecond) // the job runs 2 s (20 steps)
		d.ContainerKill(context.Background(), id, client.ContainerKillOptions{Signal: "SIGKILL"})
	}()
	start := time.Now()
	_, err := e.Run(ctx, imageArgs())
	if !errors.Is(err, worker.ErrCrashed) {
		t.Fatalf("err = %v, want the crash", err)
	}
	if !strings.Contains(err.Error(), "exit code 137") {
		t.Errorf("the reason lacks the exit code: %v", err)
	}
	if time.Since(start) > 1900*time.Millisecond {
		t.Errorf("the crash was noticed only after %s", time.Since(start))
	}
	w2 := w.ContainerID()
	if w2 != "" {
		t.Fatalf("the dead container is still current: %s", w2)
	}
	if _, err := e.Run(ctx, imageArgs()); err != nil {
		t.Fatalf("the next task: %v", err)
	}
	if w.ContainerID() == id {
		t.Fatal("not a new container")
	}
}

// TestGPURefused: without the NVIDIA runtime, a GPU request fails with
// the translated error, and no container is left behind.
func TestGPURefused(t *testing.T) {
	d := docker(t)
	w, cfg := newWorker(t, d, func(c *worker.Config) { c.GPU = "GPU-5c9b3a7e-0000-0000-0000-000000000000" })
	err := w.Warm(context.Background())
	if !errors.Is(err, worker.ErrNoNvidiaRuntime) {
		t.Fatalf("err = %v, want ErrNoNvidiaRuntime", err)
	}
	var we *worker.Error
	if !errors.As(err, &we) || we.Code != "worker.nvidia_runtime_missing" {
		t.Fatalf("code %+v", we)
	}
	list, _ := d.ContainerList(context.Background(), client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", worker.LabelOwner+"="+cfg.Owner)})
	if len(list.Items) != 0 {
		t.Fatalf("%d containers left after the refusal", len(list.Items))
	}
}

// TestOrphanCleanup removes only this owner's containers.
func TestOrphanCleanup(t *testing.T) {
	d := docker(t)
	w, cfg := newWorker(t, d, nil)
	ctx := context.Background()
	mk := func(name string, labels map[string]string) string {
		r, err := d.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name, Config: &container.Config{Image: refimage.Tag, Labels: labels}, HostConfig: &container.HostConfig{NetworkMode: "none"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.ContainerRemove(context.Background(), r.ID, client.ContainerRemoveOptions{Force: true}) })
		return r.ID
	}
	sfx := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	ours := mk("orphan-ours-"+sfx, map[string]string{worker.LabelManaged: "true", worker.LabelOwner: cfg.Owner})
	started := mk("orphan-ours-running-"+sfx, map[string]string{worker.LabelManaged: "true", worker.LabelOwner: cfg.Owner})
	if _, err := d.ContainerStart(ctx, started, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	other := mk("orphan-other-"+sfx, map[string]string{worker.LabelManaged: "true", worker.LabelOwner: "someone-else"})
	plain := mk("not-hydrogen-"+sfx, map[string]string{"com.example": "x"})
	n, err := w.CleanOrphans(ctx)
	if err != nil || n != 2 {
		t.Fatalf("removed %d (%v), want 2", n, err)
	}
	for id, gone := range map[string]bool{ours: true, started: true, other: false, plain: false} {
		_, err := d.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if gone != cerrdefs.IsNotFound(err) {
			t.Errorf("container %s: gone=%v, want %v", id[:12], cerrdefs.IsNotFound(err), gone)
		}
	}
}

// TestDockerUnreachable: a missing engine and a stopped one are told
// apart, and trying leaks no goroutine.
func TestDockerUnreachable(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dir := t.TempDir()
	if _, err := worker.Connect(ctx, "unix://"+filepath.Join(dir, "absent.sock")); !errors.Is(err, worker.ErrDockerMissing) {
		t.Errorf("absent socket: %v, want ErrDockerMissing", err)
	}
	// A socket file nobody listens on: the engine is stopped.
	sock := filepath.Join(dir, "stale.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	for range 3 { // retried, as the daemon does
		if _, err := worker.Connect(ctx, "unix://"+sock); !errors.Is(err, worker.ErrDockerStopped) {
			t.Errorf("stale socket: %v, want ErrDockerStopped", err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before, %d after", before, n)
	}
}

// TestOutOfMemory: a job bigger than the container's memory limit gets
// the container OOM-killed; the task fails saying so.
func TestOutOfMemory(t *testing.T) {
	d := docker(t)
	w, cfg := newWorker(t, d, func(c *worker.Config) { c.Memory = 24 << 20 })
	e := &worker.Engine{W: w, Inner: &comfyui.Engine{HTTP: w.HTTPClient(), Base: worker.BaseURL, CacheDir: cfg.ModelDir, Poll: 20 * time.Millisecond}}
	a := engine.Args{Kind: engine.KindImage, Model: testModel, Prompt: "too big", Seed: 1, Width: engine.MaxSide, Height: engine.MaxSide, Count: engine.MaxImages}
	_, err := e.Run(context.Background(), a)
	if !errors.Is(err, worker.ErrOOM) {
		t.Fatalf("err = %v, want ErrOOM", err)
	}
	var we *worker.Error
	if !errors.As(err, &we) || we.Code != "worker.oom" {
		t.Fatalf("code %+v", we)
	}
}
