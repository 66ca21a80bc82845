package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func args() engine.Args {
	return engine.Args{Kind: engine.KindText, Model: "base:meta-llama/llama-3.1-8b-instruct", Prompt: "Write a haiku about a graphics card at rest.", Seed: 4242, MaxTokens: 128}
}

func TestRequestGolden(t *testing.T) {
	e := &Engine{Model: "llama-3.1-8b-instruct-q4_k_m"}
	r, err := e.NewRequest(args())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(r, "", "  ")
	got = append(got, '\n')
	path := filepath.Join("testdata", "chat_request.json")
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("request differs from %s:\n%s", path, got)
	}
	if _, err := e.NewRequest(engine.Args{Kind: engine.KindImage, Prompt: "x", Width: 64, Height: 64, Count: 1}); !errors.Is(err, engine.ErrBadArgs) {
		t.Fatalf("an image task: %v", err)
	}
}

// TestRunAgainstServer: what is sent and what bad answers do.
func TestRunAgainstServer(t *testing.T) {
	var body []byte
	answer := `{"choices":[{"index":0,"message":{"role":"assistant","content":"Fans fall still at dusk"},"finish_reason":"stop"}]}`
	status := 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	defer srv.Close()
	e := &Engine{Base: srv.URL}
	out, err := e.Run(context.Background(), args())
	if err != nil || out.Text != "Fans fall still at dusk" {
		t.Fatalf("%q %v", out.Text, err)
	}
	var sent Request
	json.Unmarshal(body, &sent)
	if sent.Seed != 4242 || sent.Temperature != 0 || sent.TopK != 1 || sent.Model != args().Model || sent.Stream {
		t.Fatalf("sent %+v", sent)
	}
	for _, bad := range []struct {
		status int
		answer string
		want   string
	}{
		{500, `{"error":"model not loaded"}`, "500"},
		{200, `not json`, "not a chat completion"},
		{200, `{"choices":[]}`, "0 choices"},
		{200, `{"choices":[` + strings.Repeat(`{"message":{"content":"x"}},`, 2) + `{"message":{"content":"y"}}]}`, "3 choices"},
	} {
		status, answer = bad.status, bad.answer
		if _, err := e.Run(context.Background(), args()); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("answer %d %q: err %v, want %q", bad.status, bad.answer, err, bad.want)
		}
	}
}
