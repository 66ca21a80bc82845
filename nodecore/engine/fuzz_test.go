package engine

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseArgs: any document is either refused with ErrBadArgs or
// yields arguments within every bound, which encode and parse again to
// the same arguments.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{
		`{"kind":"image","model":"base:sd15","prompt":"a fox","seed":1,"width":512,"height":512,"count":2}`,
		`{"kind":"text","model":"base:llama","prompt":"hello","seed":1,"maxTokens":64}`,
		`{"kind":"image","model":"base:sd15","prompt":"x","width":64,"height":64,"count":1,"loras":[{"model":"lora:a/b","weight":1}],"controlNet":{"model":"controlnet:a/c","image":"iVBORw0KGgo=","strength":1}}`,
		`{"kind":"image","prompt":"x","workflow":{"1":{"class_type":"SaveImage","inputs":{}}},"models":["base:a/b"]}`,
		`{"kind":"text","prompt":"x","maxTokens":1,"models":["base:a","base:a","base:b"]}`,
		`{"kind":`, `[]`, `null`, `{"kind":"image","prompt":"\u0000","width":-8,"height":1e9,"count":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseArgs(b)
		if err != nil {
			if !errors.Is(err, ErrBadArgs) {
				t.Fatalf("an error that is not ErrBadArgs: %v", err)
			}
			return
		}
		if n := len(a.ModelIDs()); n > MaxModels {
			t.Fatalf("%d models accepted", n)
		}
		if len(a.Prompt) > MaxPrompt || len(a.Workflow) > MaxWorkflow || len(a.LoRAs) > MaxLoRAs {
			t.Fatalf("bounds passed: %d %d %d", len(a.Prompt), len(a.Workflow), len(a.LoRAs))
		}
		again, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := ParseArgs(again)
		if err != nil {
			t.Fatalf("accepted arguments do not parse again: %v\n%s", err, again)
		}
		if string(mustJSON(t, b2)) != string(again) {
			t.Fatalf("the arguments changed on a round trip:\n%s\n%s", again, mustJSON(t, b2))
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
