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
	served map[string]int // file name → requests
}

// newModelHost generates a file of size bytes per hosted model and
// returns the catalog entries pointing at base (the server's URL).
func newModelHost(size int64, base string) (*modelHost, []models.CatalogEntry) {
	h := &modelHost{files: map[string][]byte{}, served: map[string]int{}}
	var cat []models.CatalogEntry
	for _, id := range HostedModels {
		seed := sha256.Sum256([]byte(id))
		var s [32]byte
		copy(s[:], seed[:])
		r := rand.NewChaCha8(s)
		b := make([]byte, size)
		_, _ = r.Read(b)
		name := hex.EncodeToString(seed[:8]) + ".safetensors"
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
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// Requests is how many requests the server answered for model id.
func (h *modelHost) Requests(id string) int {
	seed := sha256.Sum256([]byte(id))
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.served[hex.EncodeToString(seed[:8])+".safetensors"]
}
