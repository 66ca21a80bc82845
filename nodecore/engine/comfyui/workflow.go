// Package comfyui runs image tasks on a ComfyUI server: it builds API
// format workflows from simple requests, checks any workflow against an
// allowlist of node classes and inputs, maps model IDs to the files of
// the node's read-only model cache, and drives the server's HTTP API
// (POST /prompt, GET /history, GET /view, POST /interrupt, POST /free).
package comfyui

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// Workflow is a ComfyUI workflow in API format: node id → node.
type Workflow map[string]Node

// Node is one node of a workflow.
type Node struct {
	ClassType string         `json:"class_type"`
	Inputs    map[string]any `json:"inputs"`
}

// link is an input wired to another node's output: [node id, output index].
func link(id string, out int) []any { return []any{id, out} }

// ErrRejected is a workflow the allowlist refuses.
var ErrRejected = errors.New("comfyui: workflow rejected")

func reject(format string, v ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrRejected}, v...)...)
}

// Defaults of a simple request.
const (
	DefaultSteps   = 20
	DefaultCFG     = 7.0
	DefaultSampler = "euler"
	// OutputPrefix names the images SaveImage writes.
	OutputPrefix = "hydrogen"
)

// Build makes the workflow for a simple text-to-image request: the base
// model, LoRAs in order, an optional ControlNet whose control image is
// uploaded as controlImage, then sample, decode and save. Model names are
// still model IDs; Check maps them to cache files.
func Build(a engine.Args, controlImage string) (Workflow, error) {
	if a.Kind != engine.KindImage || len(a.Workflow) > 0 {
		return nil, fmt.Errorf("%w: Build takes a simple image request", engine.ErrBadArgs)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	steps, cfg := a.Steps, a.CFG
	if steps == 0 {
		steps = DefaultSteps
	}
	if cfg == 0 {
		cfg = DefaultCFG
	}
	w := Workflow{
		"1": {"CheckpointLoaderSimple", map[string]any{"ckpt_name": a.Model}},
	}
	model, clip := link("1", 0), link("1", 1)
	next := 2
	id := func() string { s := strconv.Itoa(next); next++; return s }
	for _, l := range a.LoRAs {
		n := id()
		w[n] = Node{"LoraLoader", map[string]any{"lora_name": l.Model, "strength_model": l.Weight, "strength_clip": l.Weight, "model": model, "clip": clip}}
		model, clip = link(n, 0), link(n, 1)
	}
	pos, neg := id(), id()
	w[pos] = Node{"CLIPTextEncode", map[string]any{"text": a.Prompt, "clip": clip}}
	w[neg] = Node{"CLIPTextEncode", map[string]any{"text": a.NegativePrompt, "clip": clip}}
	positive, negative := link(pos, 0), link(neg, 0)
	if c := a.ControlNet; c != nil {
		loader, img, apply := id(), id(), id()
		w[loader] = Node{"ControlNetLoader", map[string]any{"control_net_name": c.Model}}
		w[img] = Node{"LoadImage", map[string]any{"image": controlImage}}
		w[apply] = Node{"ControlNetApplyAdvanced", map[string]any{
			"positive": positive, "negative": negative, "control_net": link(loader, 0), "image": link(img, 0),
			"strength": c.Strength, "start_percent": 0.0, "end_percent": 1.0,
		}}
		positive, negative = link(apply, 0), link(apply, 1)
	}
	latent, sampler, decode, save := id(), id(), id(), id()
	w[latent] = Node{"EmptyLatentImage", map[string]any{"width": a.Width, "height": a.Height, "batch_size": a.Count}}
	w[sampler] = Node{"KSampler", map[string]any{
		"seed": a.Seed, "steps": steps, "cfg": cfg, "sampler_name": DefaultSampler, "scheduler": "normal", "denoise": 1.0,
		"model": model, "positive": positive, "negative": negative, "latent_image": link(latent, 0),
	}}
	w[decode] = Node{"VAEDecode", map[string]any{"samples": link(sampler, 0), "vae": link("1", 2)}}
	w[save] = Node{"SaveImage", map[string]any{"filename_prefix": OutputPrefix, "images": link(decode, 0)}}
	return w, nil
}

// inputKind is what an allowed input may hold.
type inputKind int

const (
	inLink     inputKind = iota // a link to another node
	inText                      // a prompt
	inInt                       // an integer within [min, max]
	inFloat                     // a number within [min, max]
	inChoice                    // one of a fixed set of strings
	inModel                     // a model ID of a kind, mapped to a cache file
	inUpload                    // the name of an image the adapter uploaded
	inFilename                  // a safe output file prefix
)

type inputRule struct {
	kind     inputKind
	min, max float64
	choices  []string
	model    models.Kind
	optional bool
}

var (
	samplers   = []string{"euler", "euler_ancestral", "heun", "dpm_2", "dpm_2_ancestral", "lms", "dpmpp_2m", "dpmpp_sde", "dpmpp_2m_sde", "ddim", "uni_pc"}
	schedulers = []string{"normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform"}
)

// allow is the allowlist: the node classes a task may use, each with
// every input it may set. Nothing that reads an arbitrary path, loads a
// model by file name, runs code or talks to the network is here.
var allow = map[string]map[string]inputRule{
	"CheckpointLoaderSimple": {"ckpt_name": {kind: inModel, model: models.Base}},
	"LoraLoader": {
		"lora_name": {kind: inModel, model: models.LoRA}, "model": {kind: inLink}, "clip": {kind: inLink},
		"strength_model": {kind: inFloat, min: -engine.MaxLoRAWeight, max: engine.MaxLoRAWeight},
		"strength_clip":  {kind: inFloat, min: -engine.MaxLoRAWeight, max: engine.MaxLoRAWeight},
	},
	"CLIPSetLastLayer": {"clip": {kind: inLink}, "stop_at_clip_layer": {kind: inInt, min: -24, max: -1}},
	"CLIPTextEncode":   {"text": {kind: inText}, "clip": {kind: inLink}},
	"EmptyLatentImage": {
		"width": {kind: inInt, min: engine.MinSide, max: engine.MaxSide}, "height": {kind: inInt, min: engine.MinSide, max: engine.MaxSide},
		"batch_size": {kind: inInt, min: 1, max: engine.MaxImages},
	},
	"KSampler": {
		"seed": {kind: inInt, min: 0, max: math.MaxInt64}, "steps": {kind: inInt, min: 1, max: engine.MaxSteps},
		"cfg": {kind: inFloat, min: 0, max: engine.MaxCFG}, "sampler_name": {kind: inChoice, choices: samplers},
		"scheduler": {kind: inChoice, choices: schedulers}, "denoise": {kind: inFloat, min: 0, max: 1},
		"model": {kind: inLink}, "positive": {kind: inLink}, "negative": {kind: inLink}, "latent_image": {kind: inLink},
	},
	"VAEDecode":        {"samples": {kind: inLink}, "vae": {kind: inLink}},
	"ControlNetLoader": {"control_net_name": {kind: inModel, model: models.ControlNet}},
	"LoadImage":        {"image": {kind: inUpload}, "upload": {kind: inChoice, choices: []string{"image"}, optional: true}},
	"ControlNetApplyAdvanced": {
		"positive": {kind: inLink}, "negative": {kind: inLink}, "control_net": {kind: inLink}, "image": {kind: inLink},
		"vae": {kind: inLink, optional: true}, "strength": {kind: inFloat, min: 0, max: 2},
		"start_percent": {kind: inFloat, min: 0, max: 1}, "end_percent": {kind: inFloat, min: 0, max: 1},
	},
	"SaveImage": {"filename_prefix": {kind: inFilename}, "images": {kind: inLink}},
}

var (
	nodeIDPattern   = regexp.MustCompile(`^[A-Za-z0-9_:-]{1,32}$`)
	filenamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	// UploadPattern is the name of an image the adapter uploads.
	UploadPattern = regexp.MustCompile(`^hydrogen-input-[0-9a-f]{16}\.png$`)
)

// Bounds of a workflow: its nodes, and the SaveImage nodes among them
// (each saves a whole batch; the images read back are bounded again by
// engine.MaxImages).
const (
	MaxNodes = 64
	MaxSaves = 4
)

// Check validates w against the allowlist and returns a copy whose model
// inputs name files of the cache at cacheDir: every model must be one of
// the task's models, parse as a model ID of the right kind, and exist
// inside the cache. uploads are the image names the adapter uploaded.
func Check(w Workflow, taskModels []string, cacheDir string, uploads []string) (Workflow, error) {
	return check(w, taskModels, cacheDir, uploads, true)
}

// check is Check; without mapFiles the models are checked as IDs only
// (kind, listed) and left as IDs: the check before they are fetched.
func check(w Workflow, taskModels []string, cacheDir string, uploads []string, mapFiles bool) (Workflow, error) {
	if len(w) == 0 || len(w) > MaxNodes {
		return nil, reject("%d nodes, want 1 to %d", len(w), MaxNodes)
	}
	listed := map[string]bool{}
	for _, m := range taskModels {
		listed[m] = true
	}
	out := Workflow{}
	saves := 0
	for _, id := range slices.Sorted(maps.Keys(w)) {
		n := w[id]
		if !nodeIDPattern.MatchString(id) {
			return nil, reject("node id %q", id)
		}
		rules, ok := allow[n.ClassType]
		if !ok {
			return nil, reject("node %s: class %q is not allowed", id, n.ClassType)
		}
		if n.ClassType == "SaveImage" {
			saves++
		}
		inputs := map[string]any{}
		for name, rule := range rules {
			if _, set := n.Inputs[name]; !set && !rule.optional {
				return nil, reject("node %s (%s): input %q is missing", id, n.ClassType, name)
			}
		}
		for name, v := range n.Inputs {
			rule, ok := rules[name]
			if !ok {
				return nil, reject("node %s (%s): input %q is not allowed", id, n.ClassType, name)
			}
			checked, err := checkInput(w, rule, v, listed, cacheDir, uploads, mapFiles)
			if err != nil {
				return nil, reject("node %s (%s) input %q: %v", id, n.ClassType, name, err)
			}
			inputs[name] = checked
		}
		out[id] = Node{ClassType: n.ClassType, Inputs: inputs}
	}
	if saves == 0 {
		return nil, reject("no SaveImage node: the workflow would produce nothing")
	}
	if saves > MaxSaves {
		return nil, reject("%d SaveImage nodes, at most %d", saves, MaxSaves)
	}
	// Every save may get the largest batch: refused before the GPU works,
	// not after (the images read back are bounded again).
	batch := int64(1)
	for _, n := range out {
		if b, ok := n.Inputs["batch_size"].(int64); ok && n.ClassType == "EmptyLatentImage" && b > batch {
			batch = b
		}
	}
	if int64(saves)*batch > engine.MaxImages {
		return nil, reject("%d SaveImage nodes of batches up to %d may make %d images, at most %d", saves, batch, int64(saves)*batch, engine.MaxImages)
	}
	return out, nil
}

func checkInput(w Workflow, r inputRule, v any, listed map[string]bool, cacheDir string, uploads []string, mapFiles bool) (any, error) {
	switch r.kind {
	case inLink:
		l, ok := v.([]any)
		if !ok || len(l) != 2 {
			return nil, errors.New("want a link [node, output]")
		}
		to, ok := l[0].(string)
		if _, exists := w[to]; !ok || !exists {
			return nil, fmt.Errorf("links to a missing node %v", l[0])
		}
		idx, ok := number(l[1])
		if !ok || idx < 0 || idx > 8 || idx != math.Trunc(idx) {
			return nil, fmt.Errorf("output index %v", l[1])
		}
		return []any{to, int(idx)}, nil
	case inText:
		s, ok := v.(string)
		if !ok || len(s) > engine.MaxPrompt {
			return nil, fmt.Errorf("want text of at most %d bytes", engine.MaxPrompt)
		}
		return s, nil
	case inInt:
		i, ok := integer(v)
		if !ok || float64(i) < r.min || float64(i) > r.max || (r.max < math.MaxInt64 && i > int64(r.max)) {
			return nil, fmt.Errorf("%v is not an integer within %g..%g", v, r.min, r.max)
		}
		return i, nil
	case inFloat:
		f, ok := number(v)
		if !ok || f < r.min || f > r.max {
			return nil, fmt.Errorf("%v is outside %g..%g", v, r.min, r.max)
		}
		return f, nil
	case inChoice:
		s, ok := v.(string)
		if !ok || !slices.Contains(r.choices, s) {
			return nil, fmt.Errorf("%v is not one of %v", v, r.choices)
		}
		return s, nil
	case inFilename:
		s, ok := v.(string)
		if !ok || !filenamePattern.MatchString(s) {
			return nil, fmt.Errorf("%v is not a plain file prefix", v)
		}
		return s, nil
	case inUpload:
		s, ok := v.(string)
		if !ok || !UploadPattern.MatchString(s) || !slices.Contains(uploads, s) {
			return nil, fmt.Errorf("%v is not an image of this task", v)
		}
		return s, nil
	case inModel:
		s, ok := v.(string)
		if !ok {
			return nil, errors.New("want a model ID")
		}
		id, err := models.ParseID(s)
		if err != nil {
			return nil, err
		}
		if id.Kind != r.model {
			return nil, fmt.Errorf("%s is a %s model, want %s", s, id.Kind, r.model)
		}
		if !listed[s] {
			return nil, fmt.Errorf("%s is not among the task's models", s)
		}
		if !mapFiles {
			return s, nil
		}
		if _, err := cacheFile(cacheDir, id); err != nil {
			return nil, err
		}
		return id.File(), nil
	}
	return nil, errors.New("unknown rule")
}

// cacheFile returns the model's file on the host and checks that it is a
// regular file inside the cache (no symlink out of it).
func cacheFile(cacheDir string, id models.ID) (string, error) {
	root, err := filepath.EvalSymlinks(cacheDir)
	if err != nil {
		return "", fmt.Errorf("model cache: %w", err)
	}
	p := filepath.Join(root, filepath.FromSlash(id.Path()))
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("model %s is not in the cache", id)
	}
	if rel, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("model %s resolves outside the cache", id)
	}
	if fi, err := os.Stat(real); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("model %s is not a file", id)
	}
	return real, nil
}

// integer is v as an int64 when it is exactly one: a JSON number is
// parsed as an integer (so 2^63 is refused, not rounded to MinInt64), a
// float only when it is whole and within int64's range.
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, true
		}
		f, err := n.Float64()
		if err != nil {
			return 0, false
		}
		return integer(f)
	case float64:
		// -2^63 is exact in both; 2^63 is the first float past MaxInt64.
		if n != math.Trunc(n) || n < math.MinInt64 || n >= math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
