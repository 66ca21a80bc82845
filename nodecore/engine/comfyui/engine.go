package comfyui

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// Engine runs image tasks on a ComfyUI server.
type Engine struct {
	// HTTP reaches the server (the worker's client dials its socket).
	HTTP *http.Client
	// Base is the server's base URL, e.g. http://comfyui.
	Base string
	// CacheDir is the host path of the model cache the server mounts.
	CacheDir string
	// Poll is how often the job's history is polled (default 100 ms).
	Poll time.Duration
	// Progress, when set, receives the job's state as it runs.
	Progress func(Progress)
}

// Progress is where a job is.
type Progress struct {
	PromptID string
	Queued   bool // waiting behind other jobs
	Done     bool
}

// Bounds on what is read back from the server: one image (a 2048×2048
// RGBA PNG stored uncompressed is 16 MiB), and all of a job's images
// together (what a node can upload: the relay keeps results of up to
// 64 MiB by default, this leaves room for the bundle's headers).
const (
	MaxImageBytes  = 20 << 20
	MaxOutputBytes = 60 << 20
)

// Name says what produces the output.
func (e *Engine) Name() string { return "ComfyUI" }

// Prepare turns task arguments into the checked workflow to submit and
// the control images to upload first (name → PNG).
func (e *Engine) Prepare(a engine.Args) (Workflow, map[string][]byte, error) {
	return e.prepare(a, true)
}

// Check refuses arguments that cannot run here (not an image task, a
// workflow outside the allowlist, a model the task does not list) before
// any model is fetched; the models' files are checked by Prepare.
func (e *Engine) Check(a engine.Args) error {
	_, _, err := e.prepare(a, false)
	return err
}

func (e *Engine) prepare(a engine.Args, mapFiles bool) (Workflow, map[string][]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, nil, err
	}
	if a.Kind != engine.KindImage {
		return nil, nil, fmt.Errorf("%w: ComfyUI runs image tasks", engine.ErrBadArgs)
	}
	uploads := map[string][]byte{}
	var w Workflow
	listed := a.Models
	if len(a.Workflow) > 0 {
		dec := json.NewDecoder(bytes.NewReader(a.Workflow))
		dec.UseNumber()
		if err := dec.Decode(&w); err != nil {
			return nil, nil, reject("not a workflow in API format: %v", err)
		}
	} else {
		name := ""
		if c := a.ControlNet; c != nil {
			sum := sha256.Sum256(c.Image)
			name = "hydrogen-input-" + hex.EncodeToString(sum[:8]) + ".png"
			uploads[name] = c.Image
		}
		var err error
		if w, err = Build(a, name); err != nil {
			return nil, nil, err
		}
		listed = []string{a.Model}
		for _, l := range a.LoRAs {
			listed = append(listed, l.Model)
		}
		if a.ControlNet != nil {
			listed = append(listed, a.ControlNet.Model)
		}
	}
	checked, err := check(w, listed, e.CacheDir, slices.Collect(mapKeys(uploads)), mapFiles)
	if err != nil {
		return nil, nil, err
	}
	return checked, uploads, nil
}

func mapKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Run submits the task's workflow, waits for it and reads its images.
func (e *Engine) Run(ctx context.Context, a engine.Args) (engine.Output, error) {
	w, uploads, err := e.Prepare(a)
	if err != nil {
		return engine.Output{}, err
	}
	for name, img := range uploads {
		if err := e.upload(ctx, name, img); err != nil {
			return engine.Output{}, err
		}
	}
	id, err := e.submit(ctx, w)
	if err != nil {
		return engine.Output{}, err
	}
	images, err := e.wait(ctx, id)
	if err != nil {
		if ctx.Err() != nil {
			// The task was taken away: stop the job on the GPU too.
			ictx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = e.Interrupt(ictx)
			cancel()
		}
		return engine.Output{}, err
	}
	if len(images) > engine.MaxImages {
		return engine.Output{}, fmt.Errorf("comfyui: the job made %d images, at most %d", len(images), engine.MaxImages)
	}
	out := engine.Output{}
	total := 0
	for _, im := range images {
		b, err := e.view(ctx, im)
		if err != nil {
			return engine.Output{}, err
		}
		if total += len(b); total > MaxOutputBytes {
			return engine.Output{}, fmt.Errorf("comfyui: the job's images are over %d MiB", MaxOutputBytes>>20)
		}
		out.Images = append(out.Images, b)
	}
	if len(out.Images) == 0 {
		return engine.Output{}, errors.New("comfyui: the job produced no image")
	}
	return out, nil
}

// Interrupt stops the job running now.
func (e *Engine) Interrupt(ctx context.Context) error {
	_, err := e.post(ctx, "/interrupt", "application/json", []byte("{}"))
	return err
}

// Free unloads models and frees the GPU's memory.
func (e *Engine) Free(ctx context.Context) error {
	_, err := e.post(ctx, "/free", "application/json", []byte(`{"unload_models":true,"free_memory":true}`))
	return err
}

func (e *Engine) post(ctx context.Context, path, contentType string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	return e.do(req, 1<<20)
}

func (e *Engine) get(ctx context.Context, path string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Base+path, nil)
	if err != nil {
		return nil, err
	}
	return e.do(req, limit)
}

func (e *Engine) do(req *http.Request, limit int64) ([]byte, error) {
	c := e.HTTP
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("comfyui: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("comfyui: %s %s: %w", req.Method, req.URL.Path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("comfyui: %s %s: answer over %d bytes", req.Method, req.URL.Path, limit)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("comfyui: %s %s: %s: %s", req.Method, req.URL.Path, resp.Status, strings.TrimSpace(string(b[:min(len(b), 300)])))
	}
	return b, nil
}

func (e *Engine) upload(ctx context.Context, name string, img []byte) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("image", name)
	if err != nil {
		return err
	}
	fw.Write(img)
	mw.WriteField("overwrite", "true")
	mw.Close()
	_, err = e.post(ctx, "/upload/image", mw.FormDataContentType(), body.Bytes())
	return err
}

// submitRequest is the body of POST /prompt.
type submitRequest struct {
	Prompt   Workflow `json:"prompt"`
	ClientID string   `json:"client_id"`
}

func (e *Engine) submit(ctx context.Context, w Workflow) (string, error) {
	var cid [8]byte
	_, _ = rand.Read(cid[:])
	body, err := json.Marshal(submitRequest{Prompt: w, ClientID: "hydrogen-" + hex.EncodeToString(cid[:])})
	if err != nil {
		return "", err
	}
	b, err := e.post(ctx, "/prompt", "application/json", body)
	if err != nil {
		return "", err
	}
	var r struct {
		PromptID   string          `json:"prompt_id"`
		NodeErrors json.RawMessage `json:"node_errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.PromptID == "" {
		return "", fmt.Errorf("comfyui: POST /prompt: no prompt id in %q", truncate(b))
	}
	return r.PromptID, nil
}

// imageRef is an output image as the history lists it.
type imageRef struct {
	Filename  string `json:"filename"`
	Subfolder string `json:"subfolder"`
	Type      string `json:"type"`
}

// history is GET /history/{id}'s answer for one prompt.
type history struct {
	Outputs map[string]struct {
		Images []imageRef `json:"images"`
	} `json:"outputs"`
	Status struct {
		StatusStr string          `json:"status_str"`
		Completed bool            `json:"completed"`
		Messages  json.RawMessage `json:"messages"`
	} `json:"status"`
}

func (e *Engine) wait(ctx context.Context, id string) ([]imageRef, error) {
	poll := e.Poll
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		b, err := e.get(ctx, "/history/"+url.PathEscape(id), 4<<20)
		if err != nil {
			return nil, err
		}
		var all map[string]history
		if err := json.Unmarshal(b, &all); err != nil {
			return nil, fmt.Errorf("comfyui: history: %w", err)
		}
		if h, ok := all[id]; ok {
			if h.Status.StatusStr == "error" {
				return nil, fmt.Errorf("comfyui: the job failed: %s", truncate(h.Status.Messages))
			}
			if h.Status.Completed || h.Status.StatusStr == "success" {
				var refs []imageRef
				for _, node := range slices.Sorted(func(yield func(string) bool) {
					for k := range h.Outputs {
						if !yield(k) {
							return
						}
					}
				}) {
					refs = append(refs, h.Outputs[node].Images...)
				}
				if e.Progress != nil {
					e.Progress(Progress{PromptID: id, Done: true})
				}
				return refs, nil
			}
		} else if e.Progress != nil {
			e.Progress(Progress{PromptID: id, Queued: true})
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (e *Engine) view(ctx context.Context, im imageRef) ([]byte, error) {
	if im.Type != "output" || strings.ContainsAny(im.Filename, `/\`) || strings.Contains(im.Subfolder, "..") {
		return nil, fmt.Errorf("comfyui: the server named an odd output %+v", im)
	}
	q := url.Values{"filename": {im.Filename}, "subfolder": {im.Subfolder}, "type": {im.Type}}
	return e.get(ctx, "/view?"+q.Encode(), MaxImageBytes)
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
