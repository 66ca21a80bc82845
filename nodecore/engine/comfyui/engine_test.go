package comfyui

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference/refserver"
)

// TestAgainstReferenceServer runs requests (with a LoRA and a ControlNet)
// against the reference server over HTTP: the images are the in-process
// reference engine's, byte for byte.
func TestAgainstReferenceServer(t *testing.T) {
	s := refserver.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	e := &Engine{Base: srv.URL, CacheDir: cache(t, sd15, lora, openpose), Poll: 5 * time.Millisecond}
	a := engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "a fox", Seed: 3, Width: 64, Height: 64, Count: 2,
		LoRAs: []engine.LoRA{{Model: lora, Weight: 0.7}}, ControlNet: &engine.ControlNet{Model: openpose, Image: pose, Strength: 1}}
	out, err := e.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	plain := a
	plain.LoRAs, plain.ControlNet = nil, nil
	want, _ := reference.Engine{}.Run(ctx, plain)
	if len(out.Images) != 2 || !bytes.Equal(out.Images[0], want.Images[0]) || !bytes.Equal(out.Images[1], want.Images[1]) {
		t.Fatal("images differ from the reference engine's")
	}
}

// TestBadServerAnswers: every odd answer is an error, never a result.
func TestBadServerAnswers(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"prompt refused": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"type":"prompt_outputs_failed_validation"}}`)
		},
		"no prompt id": func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"number":1}`) },
		"job failed": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/prompt" {
				io.WriteString(w, `{"prompt_id":"p1"}`)
				return
			}
			io.WriteString(w, `{"p1":{"outputs":{},"status":{"status_str":"error","completed":false,"messages":[["execution_error",{"exception_message":"CUDA out of memory"}]]}}}`)
		},
		"path in output name": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/prompt" {
				io.WriteString(w, `{"prompt_id":"p1"}`)
				return
			}
			io.WriteString(w, `{"p1":{"outputs":{"9":{"images":[{"filename":"../../etc/passwd","subfolder":"","type":"output"}]}},"status":{"status_str":"success","completed":true}}}`)
		},
		"no images": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/prompt" {
				io.WriteString(w, `{"prompt_id":"p1"}`)
				return
			}
			io.WriteString(w, `{"p1":{"outputs":{},"status":{"status_str":"success","completed":true}}}`)
		},
		"finding 8: more images than a task may have": func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/prompt":
				io.WriteString(w, `{"prompt_id":"p1"}`)
			case "/view":
				png.Encode(w, image.NewGray(image.Rect(0, 0, 64, 64)))
			default:
				refs := strings.Repeat(`{"filename":"a.png","subfolder":"","type":"output"},`, engine.MaxImages)
				io.WriteString(w, `{"p1":{"outputs":{"9":{"images":[`+refs+`{"filename":"b.png","subfolder":"","type":"output"}]}},"status":{"status_str":"success","completed":true}}}`)
			}
		},
		"history not json": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/prompt" {
				io.WriteString(w, `{"prompt_id":"p1"}`)
				return
			}
			io.WriteString(w, `<html>`)
		},
	}
	a := engine.Args{Kind: engine.KindImage, Model: sd15, Prompt: "x", Seed: 1, Width: 64, Height: 64, Count: 1}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			e := &Engine{Base: srv.URL, CacheDir: cache(t, sd15), Poll: 5 * time.Millisecond}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			out, err := e.Run(ctx, a)
			if err == nil || len(out.Images) > 0 {
				t.Fatalf("accepted: %d images", len(out.Images))
			}
			if strings.Contains(err.Error(), "deadline") {
				t.Fatalf("hung instead of failing: %v", err)
			}
		})
	}
}
