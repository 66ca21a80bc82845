package worker

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/comfyui"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/openai"
)

// Setup says which engine images serve a node.
type Setup struct {
	ImageEngine string   // ComfyUI-compatible image
	ImageCmd    []string // its command (nil: the image's)
	TextEngine  string   // OpenAI-compatible image; the same image as ImageEngine shares its container
	TextCmd     []string
	TextModel   string // the name the text server knows its model by ("" = the task's model ID)
	Owner       string // the daemon's ID (container labels, orphan cleanup)
	GPU         string // NVIDIA GPU UUID, "" for none
	ModelDir    string // the model cache
	StateDir    string // sockets and outputs live under it
	Labels      map[string]string
	Log         *slog.Logger
	// Name, when set, is what the engine says it is (the reference
	// engine's image standing in for the real servers says so).
	Name string
}

// Engines is a node's engine backed by worker containers.
type Engines struct {
	engine.ByKind
	Workers []*Worker
	name    string
}

// Name says what runs the tasks.
func (e *Engines) Name() string {
	if e.name != "" {
		return e.name
	}
	return e.ByKind.Name()
}

// NewEngines creates the workers of s (one container when both roles
// share an image), removes this owner's orphans, and returns the engine
// the node runs tasks with. Containers start on the first task.
func NewEngines(ctx context.Context, d Docker, s Setup) (*Engines, error) {
	if s.ImageEngine == "" || s.TextEngine == "" {
		return nil, errors.New("worker: an image engine and a text engine image are required")
	}
	mk := func(role, image string, cmd []string) (*Worker, error) {
		dir := filepath.Join(s.StateDir, "worker-"+role)
		return New(ctx, d, Config{
			Image: image, Cmd: cmd, Role: role, Owner: s.Owner, GPU: s.GPU, ModelDir: s.ModelDir,
			RunDir: filepath.Join(dir, "run"), OutputDir: filepath.Join(dir, "output"), Socket: "engine.sock",
			HealthPath: "/system_stats", Log: s.Log, Labels: s.Labels,
			Interrupt: interruptComfy,
		})
	}
	img, err := mk("image", s.ImageEngine, s.ImageCmd)
	if err != nil {
		return nil, err
	}
	if _, err := img.CleanOrphans(ctx); err != nil {
		return nil, err
	}
	e := &Engines{Workers: []*Worker{img}, name: s.Name}
	e.Image = &Engine{W: img, Inner: &comfyui.Engine{HTTP: img.HTTPClient(), Base: BaseURL, CacheDir: s.ModelDir}}
	txt := img
	if s.TextEngine != s.ImageEngine {
		if txt, err = mk("text", s.TextEngine, s.TextCmd); err != nil {
			return nil, err
		}
		txt.cfg.HealthPath, txt.cfg.Interrupt = "/v1/models", nil
		e.Workers = append(e.Workers, txt)
	}
	e.Text = &Engine{W: txt, Inner: &openai.Engine{HTTP: txt.HTTPClient(), Base: BaseURL, Model: s.TextModel}}
	return e, nil
}

// interruptComfy stops the running ComfyUI job before its container goes.
func interruptComfy(ctx context.Context, c *http.Client) error {
	return (&comfyui.Engine{HTTP: c, Base: BaseURL}).Interrupt(ctx)
}

// Close releases every worker.
func (e *Engines) Close() error {
	var errs []error
	for _, w := range e.Workers {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}

// Owns reports whether process pid runs in one of these workers'
// containers (its cgroup names the container), so the GPU monitor does
// not take the node's own inference for a game.
func (e *Engines) Owns(pid uint32) bool {
	b, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/cgroup")
	if err != nil {
		return false
	}
	for _, w := range e.Workers {
		if id := w.ContainerID(); id != "" && strings.Contains(string(b), id) {
			return true
		}
	}
	return false
}
