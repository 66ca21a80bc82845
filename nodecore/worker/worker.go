package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// Labels on every container (and built image) Hydrogen owns.
const (
	LabelManaged = "io.hydrogen.managed" // "true"
	LabelOwner   = "io.hydrogen.owner"   // which daemon (its data directory's ID)
	LabelRole    = "io.hydrogen.role"    // e.g. "image", "text"
	LabelGPU     = "io.hydrogen.gpu"     // the NVIDIA GPU's UUID, or "none"
	LabelImage   = "io.hydrogen.image"   // on images BuildImage made (containers inherit it)
)

// Paths inside the container.
const (
	ModelsPath = "/models"       // the model cache, read-only
	RunPath    = "/run/hydrogen" // the engine's socket
	OutputPath = "/output"       // what the engine writes
)

// ContainerUID is the unprivileged user (and group) the engine runs as:
// 65533, which Debian's policy reserves and never allocates, so that it
// is nobody's on the host. (65534, "nobody", is shared with the host's
// own unprivileged services.) New refuses to run when a host account
// has it. ContainerUser is the same as Docker's user string.
const (
	ContainerUID  = 65533
	ContainerUser = "65533:65533"
)

// Config describes one engine container.
type Config struct {
	Image string   // engine image, e.g. hydrogen/comfyui:v0.3.x
	Cmd   []string // command line; nil keeps the image's
	Role  string   // what it serves: "image", "text"
	Owner string   // this daemon's ID; orphan cleanup touches only its own
	// GPU is the NVIDIA GPU's UUID given to the container; empty runs
	// without a GPU (the reference engine).
	GPU       string
	ModelDir  string // host model cache, mounted read-only
	RunDir    string // host directory for the engine's socket
	OutputDir string // host directory the engine may write
	Socket    string // the socket's file name in RunDir
	// HealthPath is GET on the socket that answers 200 once the engine
	// is ready (ComfyUI: /system_stats; OpenAI-compatible: /v1/models).
	HealthPath    string
	HealthTimeout time.Duration // default 60 s
	// Memory bounds the container (bytes; default 16 GiB, at most three
	// quarters of the host's memory).
	Memory int64
	// CPUs bounds the cores it may use (default all but one).
	CPUs float64
	Pids int64 // default 512
	// ReleaseTimeout bounds Release (default 250 ms): after it the
	// container is killed regardless.
	ReleaseTimeout time.Duration
	// Interrupt, when set, asks the engine to stop its job before the
	// container goes (ComfyUI's /interrupt).
	Interrupt func(ctx context.Context, c *http.Client) error
	// Labels are added to the container's (Hydrogen's own win).
	Labels map[string]string
	Log    *slog.Logger
}

// Failure is the container stopping on its own.
type Failure struct {
	Err      *Error // ErrCrashed or ErrOOM
	ExitCode int
	Logs     []string // the last lines it printed
}

// Worker runs one engine container.
type Worker struct {
	d    Docker
	cfg  Config
	log  *slog.Logger
	base context.Context

	mu        sync.Mutex // guards the fields below
	id        string     // the running container, "" when none
	releasing bool       // Release is removing it: its death is expected
	stop      context.CancelFunc
	watchers  sync.WaitGroup
	tail      []string
	failures  chan Failure
}

// New returns a worker for cfg; its watchers stop when ctx ends.
func New(ctx context.Context, d Docker, cfg Config) (*Worker, error) {
	if runtime.GOOS != "linux" {
		return nil, ErrUnsupported
	}
	switch {
	case cfg.Image == "" || cfg.Role == "" || cfg.Owner == "":
		return nil, errors.New("worker: image, role and owner are required")
	case cfg.ModelDir == "" || cfg.RunDir == "" || cfg.OutputDir == "" || cfg.Socket == "" || cfg.HealthPath == "":
		return nil, errors.New("worker: model, run and output directories, socket and health path are required")
	case strings.ContainsAny(cfg.Socket, `/\`):
		return nil, errors.New("worker: the socket is a file name")
	}
	if cfg.HealthTimeout <= 0 {
		cfg.HealthTimeout = 60 * time.Second
	}
	if cfg.Memory <= 0 {
		cfg.Memory = defaultMemory(hostMemory())
	}
	if cfg.CPUs <= 0 {
		cfg.CPUs = float64(max(runtime.NumCPU()-1, 1))
	}
	if u, err := user.LookupId(strconv.Itoa(ContainerUID)); err == nil {
		return nil, fmt.Errorf("worker: the engine's user id %d belongs to the host account %q; an engine running as it could reach that account's files", ContainerUID, u.Username)
	}
	if cfg.Pids <= 0 {
		cfg.Pids = 512
	}
	if cfg.ReleaseTimeout <= 0 {
		cfg.ReleaseTimeout = 250 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Worker{d: d, cfg: cfg, log: cfg.Log.With("worker", cfg.Role), base: ctx, failures: make(chan Failure, 4)}, nil
}

// Name is the container's name.
func (w *Worker) Name() string {
	o := w.cfg.Owner
	if len(o) > 12 {
		o = o[:12]
	}
	return "hydrogen-" + w.cfg.Role + "-" + o
}

// ContainerID is the running container's ID, "" when there is none.
func (w *Worker) ContainerID() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.id
}

// Failures delivers the container's deaths that nobody asked for.
func (w *Worker) Failures() <-chan Failure { return w.failures }

// SocketPath is the engine's socket on the host.
func (w *Worker) SocketPath() string { return filepath.Join(w.cfg.RunDir, w.cfg.Socket) }

// ErrNotTheEngine is a socket in the engine's directory that is not the
// engine's: a symlink, or one served by another user than the
// container's (the container owns the directory and could plant a link
// to any socket of the host, such as Docker's own).
var ErrNotTheEngine = errors.New("worker: the engine's socket is not the engine's")

// HTTPClient talks HTTP to the engine over its socket; use the base URL
// http://engine. Every connection is checked to reach a process of the
// container's user.
func (w *Worker) HTTPClient() *http.Client {
	sock := w.SocketPath()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialEngine(ctx, sock, ContainerUID)
		},
		MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second,
	}}
}

// dialEngine connects to the unix socket at path, refusing a path that is
// not a socket (a symlink is not followed: it is refused) and a peer that
// is not uid. The peer's credentials are the kernel's, taken after the
// connection is made, so swapping the file between the check and the
// dial gains nothing.
func dialEngine(ctx context.Context, path string, uid int) (net.Conn, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Type() != os.ModeSocket {
		return nil, fmt.Errorf("%w: %s is a %s", ErrNotTheEngine, path, fi.Mode().Type())
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	peer, err := peerUID(c)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("worker: the engine's credentials: %w", err)
	}
	if peer != uid {
		c.Close()
		return nil, fmt.Errorf("%w: %s is served by uid %d, the engine runs as %d", ErrNotTheEngine, path, peer, uid)
	}
	return c, nil
}

// BaseURL is the engine's base URL for HTTPClient.
const BaseURL = "http://engine"

// CleanOrphans removes the containers an earlier run of this daemon left
// (same owner label), running or not, and returns how many. Containers
// without Hydrogen's labels, or another owner's, are never touched.
func (w *Worker) CleanOrphans(ctx context.Context) (int, error) {
	list, err := w.d.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: client.Filters{}.Add("label", LabelManaged+"=true", LabelOwner+"="+w.cfg.Owner),
	})
	if err != nil {
		return 0, classify(err)
	}
	n := 0
	for _, c := range list.Items {
		if c.Labels[LabelManaged] != "true" || c.Labels[LabelOwner] != w.cfg.Owner {
			continue // belt and braces: the filter is the engine's
		}
		if c.ID == w.ContainerID() {
			continue
		}
		if _, err := w.d.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			return n, fmt.Errorf("worker: remove orphan %s: %w", c.ID[:12], err)
		}
		w.log.Info("removed an orphaned engine container", "id", c.ID[:12], "names", c.Names)
		n++
	}
	return n, nil
}

// prepareDirs creates the host directories the container mounts and lets
// the container's user use the socket and output directories.
func (w *Worker) prepareDirs() error {
	if fi, err := os.Stat(w.cfg.ModelDir); err != nil || !fi.IsDir() {
		return fmt.Errorf("worker: model cache %s: not a directory", w.cfg.ModelDir)
	}
	for _, d := range []string{w.cfg.RunDir, w.cfg.OutputDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		// The directory itself, never what a link there points to.
		if fi, err := os.Lstat(d); err != nil {
			return err
		} else if !fi.IsDir() {
			return fmt.Errorf("worker: %s is not a directory (%s)", d, fi.Mode().Type())
		}
		// As root (the service), hand the directory to the container's
		// user; otherwise open it to the group and others as the
		// fallback a non-root daemon has.
		if err := os.Lchown(d, ContainerUID, ContainerUID); err != nil {
			if err := os.Chmod(d, 0o777); err != nil {
				return err
			}
		}
	}
	_ = os.Remove(w.SocketPath()) // a stale socket from an earlier run
	return w.CleanOutput()
}

// CleanOutput empties the directory the engine writes its outputs to:
// they were read back over the socket, and a warm engine would otherwise
// fill the disk one task at a time. Links in it are removed, never
// followed.
func (w *Worker) CleanOutput() error {
	entries, err := os.ReadDir(w.cfg.OutputDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("worker: clean outputs: %w", err)
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(filepath.Join(w.cfg.OutputDir, e.Name())))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("worker: clean outputs: %w", err)
	}
	return nil
}

// spec is the container's configuration.
func (w *Worker) spec() client.ContainerCreateOptions {
	gpu := w.cfg.GPU
	if gpu == "" {
		gpu = "none"
	}
	pids := w.cfg.Pids
	hc := &container.HostConfig{
		NetworkMode:    "none",
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges:true"},
		Tmpfs:          map[string]string{"/tmp": "rw,noexec,nosuid,size=256m"},
		Mounts: []mount.Mount{
			{Type: mount.TypeBind, Source: w.cfg.ModelDir, Target: ModelsPath, ReadOnly: true},
			{Type: mount.TypeBind, Source: w.cfg.RunDir, Target: RunPath},
			{Type: mount.TypeBind, Source: w.cfg.OutputDir, Target: OutputPath},
		},
		Resources: container.Resources{Memory: w.cfg.Memory, MemorySwap: w.cfg.Memory, PidsLimit: &pids, NanoCPUs: int64(w.cfg.CPUs * 1e9)},
	}
	if w.cfg.GPU != "" {
		hc.DeviceRequests = []container.DeviceRequest{{Driver: "nvidia", DeviceIDs: []string{w.cfg.GPU}, Capabilities: [][]string{{"gpu"}}}}
	}
	labels := map[string]string{}
	for k, v := range w.cfg.Labels {
		labels[k] = v
	}
	for k, v := range map[string]string{LabelManaged: "true", LabelOwner: w.cfg.Owner, LabelRole: w.cfg.Role, LabelGPU: gpu} {
		labels[k] = v
	}
	return client.ContainerCreateOptions{
		Name: w.Name(),
		Config: &container.Config{
			Image: w.cfg.Image, Cmd: w.cfg.Cmd, User: ContainerUser, Labels: labels,
		},
		HostConfig: hc,
	}
}

// Warm starts the engine container (removing a stale one of the same
// name) and waits until it is healthy. It does nothing when it runs.
func (w *Worker) Warm(ctx context.Context) error {
	if w.ContainerID() != "" {
		return nil
	}
	if err := EnsureImage(ctx, w.d, w.cfg.Image, nil); err != nil {
		return err
	}
	if err := w.prepareDirs(); err != nil {
		return err
	}
	if _, err := w.d.ContainerRemove(ctx, w.Name(), client.ContainerRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
		return classify(err)
	}
	created, err := w.d.ContainerCreate(ctx, w.spec())
	if err != nil {
		return fmt.Errorf("worker: create: %w", err)
	}
	id := created.ID
	watchCtx, stop := context.WithCancel(w.base)
	w.mu.Lock()
	old := w.stop // the watchers of a container that died on its own
	w.id, w.releasing, w.stop, w.tail = id, false, stop, nil
	w.mu.Unlock()
	if old != nil {
		old()
	}
	// Watch events before starting, so that an instant death is seen.
	ready := make(chan struct{})
	w.watchers.Add(1)
	go func() { defer w.watchers.Done(); w.watchEvents(watchCtx, id, ready) }()
	<-ready
	if _, err := w.d.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		w.discard(id)
		if strings.Contains(err.Error(), `could not select device driver "nvidia"`) {
			return wrap(ErrNoNvidiaRuntime, err)
		}
		return fmt.Errorf("worker: start: %w", err)
	}
	w.watchers.Add(1)
	go func() { defer w.watchers.Done(); w.streamLogs(watchCtx, id) }()
	if err := w.waitHealthy(ctx, id); err != nil {
		w.discard(id)
		return err
	}
	w.log.Info("engine container ready", "id", id[:12], "image", w.cfg.Image, "gpu", w.cfg.GPU)
	return nil
}

// discard removes a container that failed to come up.
func (w *Worker) discard(id string) {
	w.mu.Lock()
	w.releasing = true
	stop := w.stop
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = w.d.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	if stop != nil {
		stop()
	}
	w.watchers.Wait()
	w.mu.Lock()
	w.id, w.stop = "", nil
	w.mu.Unlock()
}

func (w *Worker) waitHealthy(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.HealthTimeout)
	defer cancel()
	hc := w.HTTPClient()
	for {
		if w.ContainerID() != id {
			return wrap(ErrUnhealthy, fmt.Errorf("the container stopped while starting; it said: %s", strings.Join(w.Tail(), " | ")))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, BaseURL+w.cfg.HealthPath, nil)
		resp, err := hc.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return wrap(ErrUnhealthy, fmt.Errorf("no answer on %s within %s: %v; it said: %s", w.cfg.HealthPath, w.cfg.HealthTimeout, err, strings.Join(w.Tail(), " | ")))
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// Tail returns the last lines the container printed.
func (w *Worker) Tail() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.tail...)
}

// streamLogs copies the container's output into the daemon's log, line by
// line, keeping the last lines for error reports.
func (w *Worker) streamLogs(ctx context.Context, id string) {
	rc, err := w.d.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		return
	}
	defer rc.Close()
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, rc)
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		w.log.Info("engine: "+line, "container", id[:12])
		w.mu.Lock()
		w.tail = append(w.tail, line)
		if len(w.tail) > 20 {
			w.tail = w.tail[1:]
		}
		w.mu.Unlock()
	}
	pr.Close()
}

// watchEvents follows the container's die and oom events; a death that
// Release did not cause is reported on Failures.
func (w *Worker) watchEvents(ctx context.Context, id string, ready chan<- struct{}) {
	ev := w.d.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("type", "container").Add("container", id)})
	close(ready)
	oom := false
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-ev.Err:
			if ctx.Err() == nil {
				w.log.Warn("lost the Docker event stream", "err", err)
			}
			return
		case m := <-ev.Messages:
			switch m.Action {
			case "oom":
				oom = true
			case "die":
				w.mu.Lock()
				expected := w.releasing
				if w.id == id {
					w.id = ""
				}
				tail := append([]string(nil), w.tail...)
				w.mu.Unlock()
				if expected {
					return
				}
				code := 0
				fmt.Sscan(m.Actor.Attributes["exitCode"], &code)
				f := Failure{Err: ErrCrashed, ExitCode: code, Logs: tail}
				if oom {
					f.Err = ErrOOM
				}
				w.log.Error("the engine container stopped", "code", f.Err.Code, "exit", code)
				select {
				case w.failures <- f:
				default:
				}
				return
			}
		}
	}
}

// Release takes the engine off the GPU at once: it asks the engine to
// interrupt its job (briefly), then kills and removes the container
// within the release timeout. The next Warm starts a fresh one.
func (w *Worker) Release(ctx context.Context) error {
	w.mu.Lock()
	id, stop := w.id, w.stop
	w.releasing = true
	w.mu.Unlock()
	if id == "" {
		return nil
	}
	deadline := time.Now().Add(w.cfg.ReleaseTimeout)
	if w.cfg.Interrupt != nil {
		ictx, cancel := context.WithDeadline(ctx, time.Now().Add(w.cfg.ReleaseTimeout/4))
		_ = w.cfg.Interrupt(ictx, w.HTTPClient())
		cancel()
	}
	rctx, cancel := context.WithDeadline(ctx, deadline.Add(5*time.Second)) // removal itself must finish
	defer cancel()
	_, err := w.d.ContainerRemove(rctx, id, client.ContainerRemoveOptions{Force: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("worker: release: %w", err)
	}
	if stop != nil {
		stop()
	}
	w.watchers.Wait()
	w.mu.Lock()
	if w.id == id {
		w.id = ""
	}
	w.stop = nil
	w.mu.Unlock()
	_ = os.Remove(w.SocketPath())
	return nil
}

// Close releases the container and stops the watchers.
func (w *Worker) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return w.Release(ctx)
}

// defaultMemory is the container's memory bound on a host with total
// bytes of memory (0 when unknown): 16 GiB, at most three quarters of it.
func defaultMemory(total uint64) int64 {
	const most = 16 << 30
	if total == 0 || total/4*3 >= most {
		return most
	}
	return int64(total / 4 * 3)
}
