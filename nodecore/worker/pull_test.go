package worker_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// registry is a minimal Docker registry (v2 API, one image) on loopback.
func registry(t *testing.T, repo, tag string) *httptest.Server {
	t.Helper()
	var layerTar bytes.Buffer
	tw := tar.NewWriter(&layerTar)
	payload := make([]byte, 3<<20) // random, so gzip keeps it big enough to show progress
	rand.Read(payload)
	tw.WriteHeader(&tar.Header{Name: "payload.bin", Mode: 0o644, Size: int64(len(payload)), ModTime: time.Unix(0, 0)})
	tw.Write(payload)
	tw.Close()
	var layer bytes.Buffer
	gz := gzip.NewWriter(&layer)
	gz.Write(layerTar.Bytes())
	gz.Close()
	config, _ := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux", "config": map[string]any{"Cmd": []string{"/nothing"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{digest(layerTar.Bytes())}},
	})
	manifest, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
		"config": map[string]any{"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(config), "digest": digest(config)},
		"layers": []any{map[string]any{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": layer.Len(), "digest": digest(layer.Bytes())}},
	})
	blobs := map[string][]byte{digest(config): config, digest(layer.Bytes()): layer.Bytes()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		p := r.URL.Path
		switch {
		case p == "/v2/" || p == "/v2":
			w.WriteHeader(200)
		case p == "/v2/"+repo+"/manifests/"+tag || p == "/v2/"+repo+"/manifests/"+digest(manifest):
			w.Header().Set("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
			w.Header().Set("Docker-Content-Digest", digest(manifest))
			w.Header().Set("Content-Length", fmt.Sprint(len(manifest)))
			if r.Method != http.MethodHead {
				w.Write(manifest)
			}
		case strings.HasPrefix(p, "/v2/"+repo+"/blobs/"):
			b, ok := blobs[strings.TrimPrefix(p, "/v2/"+repo+"/blobs/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
			w.Header().Set("Docker-Content-Digest", digest(b))
			if r.Method != http.MethodHead {
				w.Write(b)
			}
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			w.Write([]byte(`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestEnsureImagePulls pulls from a registry this test runs on loopback
// (dockerd treats 127.0.0.0/8 registries as plain HTTP): progress events
// arrive and the image is there afterwards. Missing images and
// unreachable registries are ErrImageMissing.
func TestEnsureImagePulls(t *testing.T) {
	d := docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := registry(t, "hydrogen/pulltest", "v1")
	ref := strings.TrimPrefix(srv.URL, "http://") + "/hydrogen/pulltest:v1"
	t.Cleanup(func() { d.ImageRemove(context.Background(), ref, client.ImageRemoveOptions{Force: true}) })
	var mu sync.Mutex
	var events []worker.PullProgress
	err := worker.EnsureImage(ctx, d, ref, func(p worker.PullProgress) {
		mu.Lock()
		events = append(events, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	sawBytes, sawDone := false, false
	for _, e := range events {
		if e.Total > 0 && e.Current > 0 {
			sawBytes = true
		}
		if strings.Contains(e.Status, "complete") || strings.Contains(e.Status, "Downloaded newer image") {
			sawDone = true
		}
	}
	if !sawBytes || !sawDone {
		t.Errorf("progress events lack bytes (%v) or completion (%v): %+v", sawBytes, sawDone, events)
	}
	if _, err := d.ImageInspect(ctx, ref); err != nil {
		t.Fatalf("no image after the pull: %v", err)
	}
	// Present now: no second pull.
	n := len(events)
	if err := worker.EnsureImage(ctx, d, ref, func(worker.PullProgress) { events = append(events, worker.PullProgress{}) }); err != nil || len(events) != n {
		t.Fatalf("second EnsureImage pulled again (%v)", err)
	}

	for name, missing := range map[string]string{
		"unknown tag":        strings.TrimPrefix(srv.URL, "http://") + "/hydrogen/pulltest:v2",
		"registry not there": "127.0.0.1:1/hydrogen/none:v1",
	} {
		err := worker.EnsureImage(ctx, d, missing, nil)
		if !errors.Is(err, worker.ErrImageMissing) {
			t.Errorf("%s: err = %v, want ErrImageMissing", name, err)
		}
	}
}
