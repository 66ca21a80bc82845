// Package refserver serves the reference engine over HTTP with the subset
// of the ComfyUI API and of the OpenAI-compatible API that Hydrogen's
// adapters use. Packaged as a container image, it is how the adapters and
// the Docker worker are exercised for real where no GPU and no registry
// exist. Its output is the reference engine's: synthetic, and labelled.
package refserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
)

// Server is the reference engine server.
type Server struct {
	// StepTime is how long each sampler step takes (0: no time at all);
	// with it a job is busy like a real one, for the hand-back benchmark.
	StepTime time.Duration

	mu      sync.Mutex // guards the fields below
	history map[string]*job
	files   map[string][]byte // output and uploaded images by name
	cancel  context.CancelFunc
	seq     int
	jobs    chan *job
}

type job struct {
	id       string
	prompt   string
	seed     int64
	w, h, n  int
	steps    int
	done     bool
	failed   string
	outNames []string
}

// New returns a server; Run processes its queue.
func New() *Server {
	return &Server{history: map[string]*job{}, files: map[string][]byte{}, jobs: make(chan *job, 64)}
}

// Run runs queued jobs one at a time until ctx ends.
func (s *Server) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.jobs:
			s.run(ctx, j)
		}
	}
}

func (s *Server) run(parent context.Context, j *job) {
	ctx, cancel := context.WithCancel(parent)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	defer func() {
		cancel()
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
	}()
	fail := func(msg string) {
		s.mu.Lock()
		j.failed = msg
		s.mu.Unlock()
	}
	if s.StepTime > 0 {
		select {
		case <-ctx.Done():
			fail("interrupted")
			return
		case <-time.After(time.Duration(j.steps) * s.StepTime):
		}
	}
	out, err := reference.Engine{}.Run(ctx, engine.Args{Kind: engine.KindImage, Prompt: j.prompt, Seed: j.seed, Width: j.w, Height: j.h, Count: j.n})
	if err != nil {
		fail(err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, img := range out.Images {
		s.seq++
		name := fmt.Sprintf("%s_%05d_.png", "hydrogen", s.seq)
		s.files[name] = img
		j.outNames = append(j.outNames, name)
	}
	j.done = true
}

// Handler serves the APIs.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /system_stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"system": map[string]any{"os": "reference", "comfyui_version": "reference", "engine": reference.Label}, "devices": []any{}})
	})
	mux.HandleFunc("POST /prompt", s.prompt)
	mux.HandleFunc("GET /history/{id}", s.historyOf)
	mux.HandleFunc("GET /view", s.view)
	mux.HandleFunc("POST /upload/image", s.upload)
	mux.HandleFunc("POST /interrupt", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.cancel != nil {
			s.cancel()
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{})
	})
	mux.HandleFunc("POST /free", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, map[string]any{}) })
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"object": "list", "data": []any{map[string]string{"id": "reference", "object": "model"}}})
	})
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"type": "invalid_request", "message": msg}})
}

type wfNode struct {
	ClassType string                     `json:"class_type"`
	Inputs    map[string]json.RawMessage `json:"inputs"`
}

// params finds what the reference engine draws from in a workflow: the
// text of the prompt wired to the sampler's positive input, the seed,
// the latent's size and batch, and the steps.
func params(wf map[string]wfNode) (*job, error) {
	var sampler *wfNode
	for _, n := range wf {
		if n.ClassType == "KSampler" {
			if sampler != nil {
				return nil, errors.New("more than one sampler")
			}
			sampler = &n
		}
	}
	if sampler == nil {
		return nil, errors.New("no KSampler")
	}
	follow := func(in json.RawMessage) (wfNode, error) {
		var l []any
		if err := json.Unmarshal(in, &l); err != nil || len(l) != 2 {
			return wfNode{}, errors.New("bad link")
		}
		id, _ := l[0].(string)
		n, ok := wf[id]
		if !ok {
			return wfNode{}, fmt.Errorf("link to missing node %q", id)
		}
		return n, nil
	}
	j := &job{}
	if err := json.Unmarshal(sampler.Inputs["seed"], &j.seed); err != nil {
		return nil, errors.New("bad seed")
	}
	if err := json.Unmarshal(sampler.Inputs["steps"], &j.steps); err != nil {
		return nil, errors.New("bad steps")
	}
	pos, err := follow(sampler.Inputs["positive"])
	for err == nil && pos.ClassType == "ControlNetApplyAdvanced" {
		pos, err = follow(pos.Inputs["positive"])
	}
	if err != nil || pos.ClassType != "CLIPTextEncode" || json.Unmarshal(pos.Inputs["text"], &j.prompt) != nil {
		return nil, errors.New("the positive prompt is not a CLIPTextEncode text")
	}
	lat, err := follow(sampler.Inputs["latent_image"])
	if err != nil || lat.ClassType != "EmptyLatentImage" {
		return nil, errors.New("the latent is not an EmptyLatentImage")
	}
	if json.Unmarshal(lat.Inputs["width"], &j.w) != nil || json.Unmarshal(lat.Inputs["height"], &j.h) != nil || json.Unmarshal(lat.Inputs["batch_size"], &j.n) != nil {
		return nil, errors.New("bad latent size")
	}
	return j, nil
}

func (s *Server) prompt(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Prompt map[string]wfNode `json:"prompt"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	j, err := params(req.Prompt)
	if err != nil {
		fail(w, http.StatusBadRequest, "invalid prompt: "+err.Error())
		return
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	j.id = hex.EncodeToString(b[:])
	s.mu.Lock()
	s.history[j.id] = j
	s.mu.Unlock()
	select {
	case s.jobs <- j:
	default:
		fail(w, http.StatusServiceUnavailable, "queue full")
		return
	}
	writeJSON(w, map[string]any{"prompt_id": j.id, "number": 0, "node_errors": map[string]any{}})
}

func (s *Server) historyOf(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.history[id]
	if !ok || (!j.done && j.failed == "") {
		writeJSON(w, map[string]any{})
		return
	}
	h := map[string]any{}
	if j.failed != "" {
		h["status"] = map[string]any{"status_str": "error", "completed": false, "messages": []any{[]any{"execution_error", map[string]string{"exception_message": j.failed}}}}
		h["outputs"] = map[string]any{}
	} else {
		var imgs []map[string]string
		for _, n := range j.outNames {
			imgs = append(imgs, map[string]string{"filename": n, "subfolder": "", "type": "output"})
		}
		h["status"] = map[string]any{"status_str": "success", "completed": true, "messages": []any{}}
		h["outputs"] = map[string]any{"save": map[string]any{"images": imgs}}
	}
	writeJSON(w, map[string]any{id: h})
}

func (s *Server) view(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("type") != "output" || q.Get("subfolder") != "" {
		fail(w, http.StatusNotFound, "no such image")
		return
	}
	s.mu.Lock()
	b, ok := s.files[q.Get("filename")]
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusNotFound, "no such image")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(b)
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	f, hdr, err := r.FormFile("image")
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 8<<20))
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
		fail(w, http.StatusBadRequest, "not a PNG")
		return
	}
	name := hdr.Filename
	if strings.ContainsAny(name, `/\`) || name == "" {
		fail(w, http.StatusBadRequest, "bad name")
		return
	}
	s.mu.Lock()
	s.files["input/"+name] = b
	s.mu.Unlock()
	writeJSON(w, map[string]string{"name": name, "subfolder": "", "type": "input"})
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		MaxTokens   int     `json:"max_tokens"`
		Seed        *int64  `json:"seed"`
		Temperature float64 `json:"temperature"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	if len(req.Messages) == 0 || req.Seed == nil || req.Temperature != 0 {
		fail(w, http.StatusBadRequest, "the reference engine answers one deterministic request: messages, a seed, temperature 0")
		return
	}
	prompt := req.Messages[len(req.Messages)-1].Content
	out, err := reference.Engine{}.Run(r.Context(), engine.Args{Kind: engine.KindText, Prompt: prompt, Seed: *req.Seed, MaxTokens: req.MaxTokens})
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, map[string]any{
		"id": "chatcmpl-reference", "object": "chat.completion", "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": map[string]string{"role": "assistant", "content": out.Text}, "finish_reason": "stop"}},
	})
}
