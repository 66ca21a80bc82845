package comfyui

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// FuzzWorkflow: any workflow a task brings is refused, or checked into
// one whose every node class is allowed, with at most MaxNodes nodes and
// MaxSaves saves, whose models are files of the cache; the check before
// the models are fetched never passes what the full check refuses for a
// reason other than a missing model.
func FuzzWorkflow(f *testing.F) {
	w, _ := Build(engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 1, Width: 64, Height: 64, Count: 1,
		LoRAs: []engine.LoRA{{Model: lora, Weight: 0.5}}}, "")
	good, _ := json.Marshal(w)
	f.Add(good, sd15+","+lora)
	f.Add([]byte(`{"1":{"class_type":"PythonExec","inputs":{"code":"x"}}}`), sd15)
	f.Add([]byte(`{"1":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"../../etc/passwd"}},"2":{"class_type":"SaveImage","inputs":{"filename_prefix":"a","images":["1",0]}}}`), sd15)
	f.Add([]byte(`{"1":{"class_type":"KSampler","inputs":{"seed":9223372036854775808}}}`), sd15)
	f.Add([]byte(`[`), "")
	c := cache(f, sd15, lora)
	f.Fuzz(func(t *testing.T, doc []byte, listed string) {
		a := engine.Args{Kind: engine.KindImage, Prompt: "fuzz", Workflow: doc, Models: splitComma(listed)}
		if a.Validate() != nil {
			return
		}
		e := &Engine{CacheDir: c}
		early := e.Check(a)
		got, _, err := e.Prepare(a)
		if err != nil {
			if early == nil && !errors.Is(err, ErrRejected) {
				t.Fatalf("the early check passed what Prepare refused with %v", err)
			}
			return
		}
		if early != nil {
			t.Fatalf("the early check refused what Prepare accepted: %v", early)
		}
		saves := 0
		for id, n := range got {
			if _, ok := allow[n.ClassType]; !ok || !nodeIDPattern.MatchString(id) {
				t.Fatalf("node %q of class %q passed", id, n.ClassType)
			}
			if n.ClassType == "SaveImage" {
				saves++
			}
		}
		if len(got) > MaxNodes || saves > MaxSaves || saves == 0 {
			t.Fatalf("%d nodes, %d saves passed", len(got), saves)
		}
	})
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
