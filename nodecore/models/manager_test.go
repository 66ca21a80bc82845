package models

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func newManager(t *testing.T, cat []CatalogEntry, quota int64) *Manager {
	t.Helper()
	c, err := NewCatalog(cat)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Open(t.TempDir(), func() int64 { return quota }, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The tests' servers are on loopback: allowed, as an owner's mirror.
	return &Manager{Store: s, Catalog: c, Tune: func(d *Downloader) {
		d.MinPart, d.Backoff, d.Stall, d.AllowPrivateHosts = mib, 10*time.Millisecond, 2*time.Second, LoopbackPrefixes()
	}}
}

// TestManagerFetchesOnce: five callers asking for one catalog model get
// one download (from a mirror on loopback, plain http), pinned, its
// progress reported and remembered once done.
func TestManagerFetchesOnce(t *testing.T) {
	srv, ts := newServer(t, 3*mib)
	m := newManager(t, []CatalogEntry{{ID: "base:org/model", Source: ts.URL + "/model.safetensors", SHA256: sum(srv.content), Bytes: 3 * mib}}, 0)
	// The file is held back until the manager's watchers saw it running.
	srv.hold = make(chan struct{})
	running := make(chan struct{})
	go func() {
		defer close(srv.hold)
		ticks := m.Watch(t.Context())
		for {
			select {
			case <-ticks:
				if d := m.Downloads(); len(d) == 1 && d[0].State == DownloadRunning {
					close(running)
					return
				}
			case <-time.After(20 * time.Second):
				return // the test fails below
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { errs[i] = m.Fetch(context.Background(), "base:org/model") })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if served, _ := srv.stats(); served != 3*mib+1 && served != 3*mib { // the probe's byte
		t.Fatalf("served %d bytes for one 3 MiB model", served)
	}
	if !m.Has("base:org/model") || !m.Store.List()[0].Pinned {
		t.Fatalf("held %v, list %+v", m.Held(), m.Store.List())
	}
	d := m.Downloads()
	if len(d) != 1 || d[0].State != DownloadDone || d[0].Done != 3*mib || d[0].Total != 3*mib {
		t.Fatalf("downloads %+v", d)
	}
	select {
	case <-running:
	default:
		t.Fatal("no progress seen while downloading")
	}
	if err := m.Fetch(context.Background(), "base:org/model"); err != nil || len(m.Downloads()) != 1 {
		t.Fatal("a held model downloaded again", err)
	}
}

// TestManagerLinkModel: a link's model comes from its own URL (https)
// and is checked against the sha256 in its ID; the store's scan keeps it
// though its path alone does not name it.
func TestManagerLinkModel(t *testing.T) {
	srv := &server{content: blob(2 * mib)}
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	m := newManager(t, nil, 0)
	m.Client = ts.Client()
	id := "lora:" + ts.URL + "/api/download/models/12345#sha256=" + sum(srv.content)
	if err := m.Fetch(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	rep, err := m.Store.Scan()
	if err != nil || rep.Models != 1 || len(rep.Adopted) != 0 || !m.Has(id) {
		t.Fatalf("%+v %v", rep, err)
	}
	// The same link with another file's hash: fetched, rejected.
	bad := "lora:" + ts.URL + "/api/download/models/12345#sha256=" + strings.Repeat("0", 64)
	if err := m.Fetch(context.Background(), bad); !errors.Is(err, ErrChecksum) {
		t.Fatalf("wrong bytes accepted: %v", err)
	}
	if d := m.Downloads(); len(d) != 2 || d[0].State != DownloadFailed || !strings.Contains(d[0].Err, "sha256") {
		t.Fatalf("%+v", d)
	}
}

// TestManagerErrors: a model the catalog does not list, a bad ID, a
// missing file and a quota too small fail clearly and leave nothing.
func TestManagerErrors(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	m := newManager(t, []CatalogEntry{
		{ID: "base:org/big", Source: ts.URL + "/big", SHA256: sum(srv.content), Bytes: 2 * mib},
		{ID: "base:org/gone", Source: ts.URL + "/gone", SHA256: sum(srv.content)},
	}, mib)
	ctx := context.Background()
	if err := m.Fetch(ctx, "base:org/unknown"); !errors.Is(err, ErrNotInCatalog) {
		t.Fatal(err)
	}
	if err := m.Fetch(ctx, "base:../x"); !errors.Is(err, ErrBadID) {
		t.Fatal(err)
	}
	if err := m.Fetch(ctx, "base:org/big"); !errors.Is(err, ErrQuota) {
		t.Fatal(err)
	}
	srv.mu.Lock()
	srv.status = 404
	srv.mu.Unlock()
	if err := m.Fetch(ctx, "base:org/gone"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if held := m.Held(); len(held) != 0 {
		t.Fatal(held)
	}
	// A caller that gives up: its download stops; the next caller starts
	// it again and finishes.
	srv.mu.Lock()
	srv.status = 0
	srv.mu.Unlock()
	m.Store.quota = func() int64 { return 0 }
	m.Settings = func() DownloadSettings { return DownloadSettings{Limit: 512 << 10} } // 4 s for 2 MiB
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := m.Fetch(cctx, "base:org/big"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	// Cut short: pending, to resume (a daemon restarted would); failures
	// for good (the 404 above) are not.
	if p := m.Pending(); !slices.Equal(p, []string{"base:org/big"}) {
		t.Fatalf("pending %v", p)
	}
	rep, err := m.Store.Scan()
	if err != nil || len(rep.Partial) != 1 || len(rep.Removed) != 0 {
		t.Fatalf("scan of a cut download: %+v %v", rep, err)
	}
	m.Settings = nil // the limit lifted
	if err := m.Fetch(ctx, "base:org/big"); err != nil || !m.Has("base:org/big") {
		t.Fatal(err)
	}
	if p := m.Pending(); len(p) != 0 {
		t.Fatalf("pending after the download: %v", p)
	}
}

func TestCatalogRefusesBadEntries(t *testing.T) {
	sha := strings.Repeat("a", 64)
	for _, e := range [][]CatalogEntry{
		{{ID: "base:org/x", Source: "hf://o/r/f", SHA256: "abc"}},
		{{ID: "base:../x", Source: "hf://o/r/f", SHA256: sha}},
		{{ID: "base:org/x", Source: "ftp://host/x", SHA256: sha}},
		{{ID: "base:org/x", Source: "http://example.com/x", SHA256: sha}}, // plain http off this machine
		{{ID: "base:org/x", Source: "hf://o/../f", SHA256: sha}},
		{{ID: "base:org/x", Source: "hf://o/r/f", SHA256: sha, Bytes: -1}},
		{{ID: "base:org/x", Source: "hf://o/r/f", SHA256: sha}, {ID: "base:org/x", Source: "hf://o/r/g", SHA256: sha}},
		{{ID: "lora:https://h/x#sha256=" + sha, Source: "hf://o/r/f", SHA256: sha}},
	} {
		if _, err := NewCatalog(e); err == nil {
			t.Errorf("%+v accepted", e)
		}
	}
	c, err := NewCatalog([]CatalogEntry{{ID: "base:org/x", Source: "hf://o/r/f@v1", SHA256: strings.ToUpper(sha), Bytes: 7}})
	if err != nil {
		t.Fatal(err)
	}
	f, n, err := c.Fetch(mustID(t, "base:org/x"), Sources{HFEndpoint: "https://mirror.example/hf"})
	if err != nil || f.URL != "https://mirror.example/hf/o/r/resolve/v1/f" || f.SHA256 != sha || n != 7 {
		t.Fatal(f, n, err)
	}
}

// TestVerifyFoundAndChangedFiles: a model file found in the cache is
// checked against the catalog's sha256 when first fetched (a wrong one is
// replaced by a download, a right one kept without one); a verified file
// changed on disk later is caught by the next scan.
func TestVerifyFoundAndChangedFiles(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	m := newManager(t, []CatalogEntry{
		{ID: "base:org/good", Source: ts.URL + "/good", SHA256: sum(srv.content), Bytes: 2 * mib},
		{ID: "base:org/bad", Source: ts.URL + "/bad", SHA256: sum(srv.content), Bytes: 2 * mib},
	}, 0)
	dir := m.Store.Dir()
	if err := os.MkdirAll(filepath.Join(dir, "checkpoints", "org"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "checkpoints", "org", "good.safetensors"), srv.content, 0o644)
	wrong := append([]byte(nil), srv.content...)
	wrong[100] ^= 1
	os.WriteFile(filepath.Join(dir, "checkpoints", "org", "bad.safetensors"), wrong, 0o644)
	var removed []string
	m.Store.OnRemoved = func(id, why string) { removed = append(removed, id+" "+why) }
	if rep, err := m.Store.Scan(); err != nil || len(rep.Adopted) != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	ctx := context.Background()
	for _, id := range []string{"base:org/good", "base:org/bad"} {
		if err := m.Fetch(ctx, id); err != nil {
			t.Fatal(id, err)
		}
	}
	if d := m.Downloads(); len(d) != 1 || d[0].ID != "base:org/bad" {
		t.Fatalf("downloads %+v", d)
	}
	if !slices.Equal(removed, []string{"base:org/bad corrupt"}) {
		t.Fatalf("removed %v", removed)
	}
	for _, id := range []string{"base:org/good", "base:org/bad"} {
		if !m.Store.Verified(mustID(t, id)) {
			t.Fatalf("%s not verified", id)
		}
	}
	// Changed on disk after the check: a byte flipped, the size the same.
	p := filepath.Join(dir, "checkpoints", "org", "good.safetensors")
	later := time.Now().Add(time.Minute)
	os.WriteFile(p, wrong, 0o644)
	os.Chtimes(p, later, later)
	// Touched but intact: hashed again and kept.
	q := filepath.Join(dir, "checkpoints", "org", "bad.safetensors")
	os.Chtimes(q, later, later)
	rep, err := m.Store.Scan()
	if err != nil || !slices.Equal(rep.Removed, []string{"checkpoints/org/good.safetensors"}) || !slices.Equal(rep.Verified, []string{"base:org/bad"}) {
		t.Fatalf("%+v %v", rep, err)
	}
	if m.Has("base:org/good") || !m.Has("base:org/bad") {
		t.Fatal(m.Held())
	}
}

// TestLimitChangesUnderWay: a new bandwidth limit reaches a download
// already running (all downloads share one limiter).
func TestLimitChangesUnderWay(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	m := newManager(t, []CatalogEntry{{ID: "base:org/x", Source: ts.URL + "/x", SHA256: sum(srv.content), Bytes: 2 * mib}}, 0)
	var mu sync.Mutex
	limit := 128e3 // 16 s for 2 MiB
	m.Settings = func() DownloadSettings { mu.Lock(); defer mu.Unlock(); return DownloadSettings{Limit: limit} }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Fetch(ctx, "base:org/x") }()
	for d := m.Downloads(); len(d) == 0 || d[0].Done == 0; d = m.Downloads() {
		time.Sleep(10 * time.Millisecond)
	}
	m.mu.Lock()
	l := m.limiter
	m.mu.Unlock()
	if l.Limit() != 128e3 {
		t.Fatalf("limit %v", l.Limit())
	}
	mu.Lock()
	limit = 0
	mu.Unlock()
	m.SettingsChanged()
	if l.Limit() != rate.Inf {
		t.Fatalf("limit %v after lifting it", l.Limit())
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
