// Package engine defines what the node runs a task with: the task
// arguments as they travel through the relay, the Engine interface the
// node engine calls, and the score a node commits to on chain.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Kinds of task arguments.
const (
	KindImage = "image"
	KindText  = "text"
)

// Args are a task's arguments: the JSON document an application stores in
// the relay, whose sha256 is on chain.
type Args struct {
	Kind      string `json:"kind"`             // "image" or "text"
	Model     string `json:"model"`            // model ID, e.g. "base:stabilityai/sdxl"
	Prompt    string `json:"prompt"`           // what to generate
	Seed      int64  `json:"seed"`             // makes the output reproducible
	Width     int    `json:"width,omitempty"`  // image tasks: pixels
	Height    int    `json:"height,omitempty"` // image tasks: pixels
	Count     int    `json:"count,omitempty"`  // image tasks: how many images
	MaxTokens int    `json:"maxTokens,omitempty"`

	// Image requests may say more; engines that cannot honour a field
	// (the reference engine draws from prompt, seed and size only) ignore it.
	NegativePrompt string      `json:"negativePrompt,omitempty"`
	Steps          int         `json:"steps,omitempty"` // sampler steps (0: the engine's default)
	CFG            float64     `json:"cfg,omitempty"`   // classifier-free guidance (0: default)
	LoRAs          []LoRA      `json:"loras,omitempty"`
	ControlNet     *ControlNet `json:"controlNet,omitempty"`

	// Workflow, when set, is a ComfyUI workflow in API format to run as
	// is (checked against an allowlist first); Models are the model IDs
	// it names. Prompt still describes the task for people.
	Workflow json.RawMessage `json:"workflow,omitempty"`
	Models   []string        `json:"models,omitempty"`
}

// ModelIDs lists the model IDs the arguments name, once each, in order.
func (a Args) ModelIDs() []string {
	ids := append([]string{a.Model}, a.Models...)
	for _, l := range a.LoRAs {
		ids = append(ids, l.Model)
	}
	if a.ControlNet != nil {
		ids = append(ids, a.ControlNet.Model)
	}
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// LoRA is a LoRA model applied with a weight.
type LoRA struct {
	Model  string  `json:"model"` // model ID, "lora:org/name"
	Weight float64 `json:"weight"`
}

// ControlNet conditions an image on a control image (e.g. an OpenPose
// skeleton).
type ControlNet struct {
	Model    string  `json:"model"`    // model ID, "controlnet:org/name"
	Image    []byte  `json:"image"`    // PNG, base64 in JSON
	Strength float64 `json:"strength"` // 0..2
}

// Bounds on arguments; anything outside is refused before any work.
const (
	MaxPrompt    = 4000 // bytes
	MinSide      = 64
	MaxSide      = 2048
	MaxImages    = 16
	MaxTextToken = 4096
	// MaxModels is the most model IDs a task may name: the protocol's
	// own bound on a task spec's models (TaskManager.maxModels).
	MaxModels = 8
)

// ErrBadArgs is an argument document the node refuses to run.
var ErrBadArgs = errors.New("bad task arguments")

// ParseArgs decodes and validates an argument document. Unknown fields are
// refused: an application that misspells one should hear about it.
func ParseArgs(b []byte) (Args, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var a Args
	if err := dec.Decode(&a); err != nil {
		return Args{}, fmt.Errorf("%w: %v", ErrBadArgs, err)
	}
	if dec.More() {
		return Args{}, fmt.Errorf("%w: trailing data after the document", ErrBadArgs)
	}
	return a, a.Validate()
}

// Validate reports the first problem of the arguments, wrapping ErrBadArgs.
func (a Args) Validate() error {
	bad := func(format string, v ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadArgs}, v...)...)
	}
	switch {
	case a.Prompt == "":
		return bad("empty prompt")
	case len(a.Prompt) > MaxPrompt:
		return bad("prompt of %d bytes, at most %d", len(a.Prompt), MaxPrompt)
	case !utf8.ValidString(a.Prompt):
		return bad("prompt is not UTF-8")
	case len(a.Models) > MaxModels:
		// Checked before ModelIDs walks the list: it is quadratic.
		return bad("%d models listed, at most %d", len(a.Models), MaxModels)
	case len(a.LoRAs) > MaxLoRAs:
		return bad("%d LoRAs, at most %d", len(a.LoRAs), MaxLoRAs)
	}
	if n := len(a.ModelIDs()); n > MaxModels {
		return bad("%d models named, at most %d", n, MaxModels)
	}
	switch a.Kind {
	case KindImage:
		if err := a.validateImageExtras(); err != nil {
			return err
		}
		if len(a.Workflow) > 0 {
			return nil // its sizes are checked with the workflow
		}
		if a.Width < MinSide || a.Width > MaxSide || a.Height < MinSide || a.Height > MaxSide || a.Width%8 != 0 || a.Height%8 != 0 {
			return bad("image size %d×%d: each side a multiple of 8 between %d and %d", a.Width, a.Height, MinSide, MaxSide)
		}
		if a.Count < 1 || a.Count > MaxImages {
			return bad("%d images, want 1 to %d", a.Count, MaxImages)
		}
	case KindText:
		if a.MaxTokens < 1 || a.MaxTokens > MaxTextToken {
			return bad("%d tokens, want 1 to %d", a.MaxTokens, MaxTextToken)
		}
	default:
		return bad("kind %q, want %q or %q", a.Kind, KindImage, KindText)
	}
	return nil
}

// Limits of image request fields.
const (
	MaxSteps        = 150
	MaxCFG          = 30
	MaxLoRAs        = 8
	MaxLoRAWeight   = 5
	MaxControlImage = 4 << 20 // bytes
	MaxWorkflow     = 256 << 10
)

func (a Args) validateImageExtras() error {
	bad := func(format string, v ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadArgs}, v...)...)
	}
	switch {
	case len(a.NegativePrompt) > MaxPrompt || !utf8.ValidString(a.NegativePrompt):
		return bad("negative prompt too long or not UTF-8")
	case a.Steps < 0 || a.Steps > MaxSteps:
		return bad("%d steps, want 1 to %d", a.Steps, MaxSteps)
	case a.CFG < 0 || a.CFG > MaxCFG:
		return bad("CFG %g, want 0 to %d", a.CFG, MaxCFG)
	case len(a.Workflow) > MaxWorkflow:
		return bad("workflow of %d bytes, at most %d", len(a.Workflow), MaxWorkflow)
	case len(a.Workflow) > 0 && (a.LoRAs != nil || a.ControlNet != nil || a.Steps != 0 || a.CFG != 0):
		return bad("a workflow comes alone: LoRAs, ControlNet, steps and CFG belong inside it")
	}
	for _, l := range a.LoRAs {
		if !strings.HasPrefix(l.Model, "lora:") || l.Weight < -MaxLoRAWeight || l.Weight > MaxLoRAWeight {
			return bad("LoRA %q with weight %g: want a lora: model ID and a weight within ±%d", l.Model, l.Weight, MaxLoRAWeight)
		}
	}
	if c := a.ControlNet; c != nil {
		switch {
		case !strings.HasPrefix(c.Model, "controlnet:"):
			return bad("ControlNet model %q is not a controlnet: model ID", c.Model)
		case len(c.Image) == 0 || len(c.Image) > MaxControlImage:
			return bad("ControlNet image of %d bytes, want 1 to %d", len(c.Image), MaxControlImage)
		case c.Strength < 0 || c.Strength > 2:
			return bad("ControlNet strength %g, want 0 to 2", c.Strength)
		}
	}
	return nil
}

// Output is what an engine produced: PNG images or a text.
type Output struct {
	Images [][]byte // PNG, one per requested image
	Text   string
}

// Files returns the output as the result files uploaded to the relay.
func (o Output) Files() [][]byte {
	if o.Images != nil {
		return o.Images
	}
	return [][]byte{[]byte(o.Text)}
}

// Engine runs tasks. Implementations: the reference engine (synthetic,
// in-process) and the Docker worker's adapters for real servers.
type Engine interface {
	// Name says what produces the output, e.g. "reference engine (synthetic output)".
	Name() string
	Run(ctx context.Context, a Args) (Output, error)
}

// Checker is an engine that can refuse arguments before any work is
// done for them: a workflow outside its allowlist is refused before its
// models are downloaded.
type Checker interface {
	// Check reports why a cannot run, wrapping ErrBadArgs or the
	// engine's own rejection; nil when it may run.
	Check(a Args) error
}

// Check validates a and runs e's own check when it has one.
func Check(e Engine, a Args) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if c, ok := e.(Checker); ok {
		return c.Check(a)
	}
	return nil
}

// TextScore is the score of a text output: its sha256.
func TextScore(text string) [32]byte { return sha256.Sum256([]byte(text)) }

// ByKind runs image tasks on one engine and text tasks on another.
type ByKind struct {
	Image, Text Engine
}

// Name names both engines.
func (b ByKind) Name() string {
	if b.Image == b.Text {
		return b.Image.Name()
	}
	return "images: " + b.Image.Name() + "; text: " + b.Text.Name()
}

// Check checks a with the engine for its kind.
func (b ByKind) Check(a Args) error {
	switch a.Kind {
	case KindImage:
		return Check(b.Image, a)
	case KindText:
		return Check(b.Text, a)
	}
	return fmt.Errorf("%w: kind %q", ErrBadArgs, a.Kind)
}

// Run runs a on the engine for its kind.
func (b ByKind) Run(ctx context.Context, a Args) (Output, error) {
	switch a.Kind {
	case KindImage:
		return b.Image.Run(ctx, a)
	case KindText:
		return b.Text.Run(ctx, a)
	}
	return Output{}, fmt.Errorf("%w: kind %q", ErrBadArgs, a.Kind)
}
