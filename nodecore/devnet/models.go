package devnet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// DemoLoRA is a model the demo tasks never use: tests ask for it to
// watch the network distribute a model nobody holds.
const DemoLoRA = "lora:hydrogen/demo-style"

// HostedModels are the models the devnet's catalog lists. Its HTTP
// server serves each as a generated file (weights the reference engine
// does not need, but a real download: ranges, sha256).
var HostedModels = []string{DemoImageModel, DemoTextModel, DemoLoRA}

// DefaultModelBytes is the size of each hosted model file.
const DefaultModelBytes = 8 << 20

// modelsPath is where the devnet's HTTP server serves the models.
const modelsPath = "/v1/demo-models/"

// modelHost serves the hosted models and counts what it served.
type modelHost struct {
	files map[string][]byte // file name → content

	mu     sync.Mutex
	served map[string]int   // file name → requests
	bytes  map[string]int64 // file name → body bytes sent
}

// newModelHost generates a file of size bytes per hosted model and
// returns the catalog entries pointing at base (the server's URL).
func newModelHost(size int64, base string) (*modelHost, []models.CatalogEntry) {
	h := &modelHost{files: map[string][]byte{}, served: map[string]int{}, bytes: map[string]int64{}}
	var cat []models.CatalogEntry
	for _, id := range HostedModels {
		seed := sha256.Sum256([]byte(id))
		var s [32]byte
		copy(s[:], seed[:])
		r := rand.NewChaCha8(s)
		b := make([]byte, size)
		_, _ = r.Read(b)
		name := fileName(id)
		h.files[name] = b
		sum := sha256.Sum256(b)
		cat = append(cat, models.CatalogEntry{ID: id, Source: base + modelsPath + name, SHA256: hex.EncodeToString(sum[:]), Bytes: size})
	}
	return h, cat
}

func (h *modelHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, modelsPath)
	b, ok := h.files[name]
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	h.served[name]++
	h.mu.Unlock()
	http.ServeContent(&countingWriter{ResponseWriter: w, add: func(n int) {
		h.mu.Lock()
		h.bytes[name] += int64(n)
		h.mu.Unlock()
	}}, r, name, time.Time{}, bytes.NewReader(b))
}

// countingWriter counts the body bytes written.
type countingWriter struct {
	http.ResponseWriter
	add func(int)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.add(n)
	return n, err
}

// Requests is how many requests the server answered for model id.
func (h *modelHost) Requests(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.served[fileName(id)]
}

// Served is how many bytes of model id the server sent.
func (h *modelHost) Served(id string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bytes[fileName(id)]
}

// ModelBytesServed is how many bytes of hosted model id the devnet's
// server sent, over every download.
func (d *Devnet) ModelBytesServed(id string) int64 { return d.models.Served(id) }

func fileName(id string) string {
	seed := sha256.Sum256([]byte(id))
	return hex.EncodeToString(seed[:8]) + ".safetensors"
}
