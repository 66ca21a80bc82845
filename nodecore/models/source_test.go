package models

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestResolveSources(t *testing.T) {
	s := Sources{}
	good := map[string]string{
		"hf://runwayml/stable-diffusion-v1-5/v1-5-pruned-emaonly.safetensors":             "https://huggingface.co/runwayml/stable-diffusion-v1-5/resolve/main/v1-5-pruned-emaonly.safetensors",
		"hf://stabilityai/sdxl-base/unet/diffusion_pytorch_model.fp16.safetensors@a1b2c3": "https://huggingface.co/stabilityai/sdxl-base/resolve/a1b2c3/unet/diffusion_pytorch_model.fp16.safetensors",
		"https://civitai.com/api/download/models/12345?type=Model&format=SafeTensor":      "https://civitai.com/api/download/models/12345?type=Model&format=SafeTensor",
	}
	sha := strings.Repeat("AB", 32)
	for src, want := range good {
		f, err := s.Resolve(src, sha)
		if err != nil || f.URL != want || f.SHA256 != strings.ToLower(sha) {
			t.Errorf("%s: %+v %v", src, f, err)
		}
	}
	mirror := Sources{HFEndpoint: "https://hf-mirror.example/base"}
	if f, _ := mirror.Resolve("hf://org/repo/file.safetensors", sha); f.URL != "https://hf-mirror.example/base/org/repo/resolve/main/file.safetensors" {
		t.Errorf("mirror: %s", f.URL)
	}
	for _, bad := range []string{
		"hf://org/repo", "hf://org/../etc/passwd", "hf://org/repo/../../x", "hf://org/repo/file@rev/../x", "hf://org/repo/a b",
		"http://civitai.com/x", "file:///etc/passwd", "ftp://host/x", "https://user:pw@host/x", "https:///nohost", "civitai.com/x",
		"https://host/" + strings.Repeat("x", 3000),
	} {
		if _, err := s.Resolve(bad, sha); !errors.Is(err, ErrBadFetch) {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
	if _, err := (Sources{HFEndpoint: "http://plain"}).Resolve("hf://o/r/f", sha); !errors.Is(err, ErrBadFetch) {
		t.Errorf("a plain-http endpoint accepted")
	}
}

// TestDownloadFromHubAndProxy fetches an hf:// source from a local
// stand-in for the hub, through a local proxy that sees the request.
func TestDownloadFromHubAndProxy(t *testing.T) {
	content := blob(3 * mib)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/org/repo/resolve/main/unet/model.safetensors" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "model.safetensors", fileTime, strings.NewReader(string(content)))
	}))
	defer hub.Close()
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		// A forward proxy: the request line names the hub.
		req, _ := http.NewRequest(r.Method, r.URL.String(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			w.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}))
	defer proxy.Close()
	f, err := (Sources{HFEndpoint: hub.URL, AllowHTTP: true}).Resolve("hf://org/repo/unet/model.safetensors", sum(content))
	if err != nil {
		t.Fatal(err)
	}
	d := testDownloader()
	d.Proxy = mustURL(t, proxy.URL)
	dest := filepath.Join(t.TempDir(), "m.safetensors")
	if err := d.Download(context.Background(), f, dest); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); len(b) != len(content) || proxied.Load() < 2 {
		t.Fatalf("%d bytes, %d requests through the proxy", len(b), proxied.Load())
	}
}

var fileTime = time.Time{}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
