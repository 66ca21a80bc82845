package comfyui

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	sd15     = "base:runwayml/stable-diffusion-v1-5"
	sdxl     = "base:stabilityai/stable-diffusion-xl-base-1.0"
	lora     = "lora:civitai/pixel-art"
	openpose = "controlnet:lllyasviel/control_v11p_sd15_openpose"
)

// cache makes a model cache holding the given models.
func cache(t testing.TB, ids ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, id := range ids {
		p := filepath.Join(dir, map[string]string{
			sd15: "checkpoints/runwayml/stable-diffusion-v1-5.safetensors", sdxl: "checkpoints/stabilityai/stable-diffusion-xl-base-1.0.safetensors",
			lora: "loras/civitai/pixel-art.safetensors", openpose: "controlnet/lllyasviel/control_v11p_sd15_openpose.safetensors",
		}[id])
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("weights"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pose is a tiny PNG standing in for an OpenPose skeleton.
var pose = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestBuildGolden(t *testing.T) {
	base := engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "a red fox in snow", NegativePrompt: "blurry", Seed: 1234567890123, Width: 512, Height: 512, Count: 1}
	xl := base
	xl.Model, xl.Width, xl.Height, xl.Steps, xl.CFG = sdxl, 1024, 1024, 30, 5.5
	withLoRA := base
	withLoRA.LoRAs = []engine.LoRA{{Model: lora, Weight: 0.8}}
	withCN := base
	withCN.ControlNet = &engine.ControlNet{Model: openpose, Image: pose, Strength: 0.9}
	cases := map[string]engine.Args{"sd15": base, "sdxl": xl, "sd15_lora": withLoRA, "sd15_controlnet_openpose": withCN}
	c := cache(t, sd15, sdxl, lora, openpose)
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			e := &Engine{CacheDir: c}
			w, uploads, err := e.Prepare(a)
			if err != nil {
				t.Fatal(err)
			}
			if (a.ControlNet != nil) != (len(uploads) == 1) {
				t.Fatalf("uploads %d", len(uploads))
			}
			got, _ := json.MarshalIndent(w, "", "  ")
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".json")
			if *update {
				os.WriteFile(path, got, 0o644)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("workflow differs from %s:\n%s", path, got)
			}
			// What Build produces passes Check unchanged in shape: the
			// submitted workflow re-checks (as a task's own workflow).
			var again Workflow
			dec := json.NewDecoder(bytes.NewReader(got))
			dec.UseNumber()
			if err := dec.Decode(&again); err != nil {
				t.Fatal(err)
			}
			if len(again) != len(w) {
				t.Fatal("round trip lost nodes")
			}
		})
	}
}

func TestCheckRejects(t *testing.T) {
	c := cache(t, sd15, lora)
	good := func() Workflow {
		w, err := Build(engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 1, Width: 64, Height: 64, Count: 1, LoRAs: []engine.LoRA{{Model: lora, Weight: 1}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	models := []string{sd15, lora}
	if _, err := Check(good(), models, c, nil); err != nil {
		t.Fatalf("the built workflow is rejected: %v", err)
	}
	// A model file that is a symlink out of the cache.
	outside := filepath.Join(t.TempDir(), "evil.safetensors")
	os.WriteFile(outside, []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(c, "checkpoints", "evil"), 0o755)
	os.Symlink(outside, filepath.Join(c, "checkpoints", "evil", "model.safetensors"))

	cases := []struct {
		name   string
		edit   func(Workflow)
		models []string
		want   string
	}{
		{"code-running node", func(w Workflow) { w["99"] = Node{"PythonExec", map[string]any{"code": "import os"}} }, models, `class "PythonExec" is not allowed`},
		{"path-reading node", func(w Workflow) {
			w["99"] = Node{"LoadImage", map[string]any{"image": "../../../../etc/passwd"}}
		}, models, "is not an image of this task"},
		{"checkpoint by file path", func(w Workflow) { w["1"].Inputs["ckpt_name"] = "../../../etc/shadow" }, models, "bad model ID"},
		{"checkpoint by raw file name", func(w Workflow) { w["1"].Inputs["ckpt_name"] = "v1-5-pruned-emaonly.safetensors" }, models, "bad model ID"},
		{"model not listed by the task", func(w Workflow) { w["1"].Inputs["ckpt_name"] = sdxl }, models, "not among the task's models"},
		{"model not in the cache", func(w Workflow) { w["1"].Inputs["ckpt_name"] = sdxl }, append(models, sdxl), "is not in the cache"},
		{"model symlinked out of the cache", func(w Workflow) { w["1"].Inputs["ckpt_name"] = "base:evil/model" }, append(models, "base:evil/model"), "resolves outside the cache"},
		{"LoRA as checkpoint", func(w Workflow) { w["1"].Inputs["ckpt_name"] = lora }, models, "is a lora model, want base"},
		{"unknown input", func(w Workflow) { w["1"].Inputs["config_path"] = "/etc/x" }, models, `input "config_path" is not allowed`},
		{"missing input", func(w Workflow) { delete(w["1"].Inputs, "ckpt_name") }, models, "is missing"},
		{"too many steps", func(w Workflow) { setIn(w, "KSampler", "steps", 100000) }, models, "steps"},
		{"fractional steps", func(w Workflow) { setIn(w, "KSampler", "steps", 20.5) }, models, "steps"},
		{"giant latent", func(w Workflow) { setIn(w, "EmptyLatentImage", "width", 65536) }, models, "width"},
		{"unknown sampler", func(w Workflow) { setIn(w, "KSampler", "sampler_name", "rm -rf") }, models, "sampler_name"},
		{"dangling link", func(w Workflow) { setIn(w, "VAEDecode", "samples", []any{"404", 0}) }, models, "missing node"},
		{"link not a link", func(w Workflow) { setIn(w, "VAEDecode", "samples", "3") }, models, "want a link"},
		{"output path prefix", func(w Workflow) { setIn(w, "SaveImage", "filename_prefix", "../../out") }, models, "not a plain file prefix"},
		{"no save node", func(w Workflow) {
			for id, n := range w {
				if n.ClassType == "SaveImage" {
					delete(w, id)
				}
			}
		}, models, "no SaveImage"},
		{"odd node id", func(w Workflow) {
			w["../x"] = Node{"CLIPTextEncode", map[string]any{"text": "x", "clip": []any{"1", 1}}}
		}, models, "node id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := good()
			tc.edit(w)
			_, err := Check(w, tc.models, c, nil)
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a rejection containing %q", err, tc.want)
			}
		})
	}
	huge := Workflow{}
	for i := range MaxNodes + 1 {
		huge[string(rune('a'+i%26))+strings.Repeat("x", i/26)] = Node{"VAEDecode", nil}
	}
	if _, err := Check(huge, models, c, nil); !errors.Is(err, ErrRejected) {
		t.Fatal("a workflow over the node limit passed")
	}
}

func setIn(w Workflow, class, input string, v any) {
	for _, n := range w {
		if n.ClassType == class {
			n.Inputs[input] = v
		}
	}
}

// TestTaskWorkflow: a task may bring its own workflow; it is checked the
// same way, and malformed JSON is refused before anything is sent.
func TestTaskWorkflow(t *testing.T) {
	c := cache(t, sd15)
	w, _ := Build(engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 9007199254740993, Width: 64, Height: 64, Count: 1}, "")
	raw, _ := json.Marshal(w)
	e := &Engine{CacheDir: c}
	got, _, err := e.Prepare(engine.Args{Kind: engine.KindImage, Prompt: "own workflow", Workflow: raw, Models: []string{sd15}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range got {
		if n.ClassType == "KSampler" && n.Inputs["seed"] != int64(9007199254740993) {
			t.Fatalf("the seed lost precision: %v", n.Inputs["seed"])
		}
		if n.ClassType == "CheckpointLoaderSimple" && n.Inputs["ckpt_name"] != "runwayml/stable-diffusion-v1-5.safetensors" {
			t.Fatalf("the model ID was not mapped to its file: %v", n.Inputs["ckpt_name"])
		}
	}
	if _, _, err := e.Prepare(engine.Args{Kind: engine.KindImage, Prompt: "x", Workflow: json.RawMessage(`{"1": [}`), Models: []string{sd15}}); !errors.Is(err, ErrRejected) {
		t.Fatalf("malformed workflow: %v", err)
	}
	if _, _, err := e.Prepare(engine.Args{Kind: engine.KindImage, Prompt: "x", Workflow: raw}); !errors.Is(err, ErrRejected) {
		t.Fatalf("a workflow whose models the task does not list: %v", err)
	}
	if _, _, err := e.Prepare(engine.Args{Kind: engine.KindText, Prompt: "x", MaxTokens: 5}); !errors.Is(err, engine.ErrBadArgs) {
		t.Fatalf("a text task: %v", err)
	}
}

// TestFinding8WorkflowOutputsBounded: a workflow may save at most
// MaxSaves batches (a review sent 59 SaveImage nodes × batch 16: 944
// images).
func TestFinding8WorkflowOutputsBounded(t *testing.T) {
	c := cache(t, sd15)
	w, err := Build(engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 1, Width: 64, Height: 64, Count: 16}, "")
	if err != nil {
		t.Fatal(err)
	}
	var decode string
	for id, n := range w {
		if n.ClassType == "VAEDecode" {
			decode = id
		}
	}
	for i := range 52 { // 59 nodes, 53 of them SaveImage
		w[fmt.Sprintf("s%d", i)] = Node{"SaveImage", map[string]any{"filename_prefix": OutputPrefix, "images": []any{decode, 0}}}
	}
	if _, err := Check(w, []string{sd15}, c, nil); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "SaveImage nodes") {
		t.Fatalf("53 SaveImage nodes: %v", err)
	}
	// Within the node bound, the batches still count: 2 saves × 16.
	for i := range 51 {
		delete(w, fmt.Sprintf("s%d", i))
	}
	if _, err := Check(w, []string{sd15}, c, nil); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "may make 32 images") {
		t.Fatalf("2 saves of 16: %v", err)
	}
}

// TestFinding14SeedOverflow: a seed of 2^63 (past int64) is refused, not
// turned into MinInt64; the largest int64 still passes, exactly.
func TestFinding14SeedOverflow(t *testing.T) {
	c := cache(t, sd15)
	w, _ := Build(engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 1, Width: 64, Height: 64, Count: 1}, "")
	raw, _ := json.Marshal(w)
	e := &Engine{CacheDir: c}
	for _, tc := range []struct {
		seed string
		ok   bool
	}{
		{"9223372036854775807", true}, {"9223372036854775808", false}, {"9.223372036854775808e18", false},
		{"1e300", false}, {"-1", false}, {"3.5", false}, {"42", true},
	} {
		doc := strings.Replace(string(raw), `"seed":1,`, `"seed":`+tc.seed+`,`, 1)
		got, _, err := e.Prepare(engine.Args{Kind: engine.KindImage, Prompt: "own workflow", Workflow: json.RawMessage(doc), Models: []string{sd15}})
		if tc.ok != (err == nil) {
			t.Errorf("seed %s: err = %v, want ok=%v", tc.seed, err, tc.ok)
			continue
		}
		for _, n := range got {
			if s, isInt := n.Inputs["seed"].(int64); n.ClassType == "KSampler" && (!isInt || s < 0) {
				t.Errorf("seed %s became %v", tc.seed, n.Inputs["seed"])
			}
		}
	}
}

// TestFinding5CheckBeforeModels: the engine's check refuses a workflow
// outside the allowlist, or naming an unlisted model, with no model in
// the cache yet (it runs before any download).
func TestFinding5CheckBeforeModels(t *testing.T) {
	e := &Engine{CacheDir: t.TempDir()} // an empty cache
	w, _ := Build(engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 1, Width: 64, Height: 64, Count: 1}, "")
	raw, _ := json.Marshal(w)
	good := engine.Args{Kind: engine.KindImage, Prompt: "x", Workflow: raw, Models: []string{sd15}}
	if err := engine.Check(e, good); err != nil {
		t.Fatalf("an allowed workflow before its model is fetched: %v", err)
	}
	if _, _, err := e.Prepare(good); err == nil {
		t.Fatal("Prepare ran without the model in the cache")
	}
	w["99"] = Node{"PythonExec", map[string]any{"code": "import os"}}
	raw, _ = json.Marshal(w)
	if err := engine.Check(e, engine.Args{Kind: engine.KindImage, Prompt: "x", Workflow: raw, Models: []string{sd15}}); !errors.Is(err, ErrRejected) {
		t.Fatalf("a code-running node passed the check: %v", err)
	}
	if err := engine.Check(engine.ByKind{Image: e, Text: e}, engine.Args{Kind: engine.KindImage, Prompt: "x", Workflow: raw, Models: []string{sd15}}); !errors.Is(err, ErrRejected) {
		t.Fatalf("ByKind did not pass the check on: %v", err)
	}
}
