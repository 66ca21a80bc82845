package models

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func put(t *testing.T, dir, rel string, n int) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustID(t *testing.T, s string) ID {
	t.Helper()
	id, err := ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestStoreScanRepairs: a partial download with its state is kept to
// resume; one without it, state without data, temporary files and a
// model whose size no longer matches its record are removed; unknown
// model files are adopted; foreign files are left alone.
func TestStoreScanRepairs(t *testing.T) {
	dir := t.TempDir()
	s, rep, err := Open(dir, nil, nil)
	if err != nil || rep.Models != 0 {
		t.Fatal(rep, err)
	}
	put(t, dir, "checkpoints/org/a.safetensors", 100)
	put(t, dir, "loras/org/b.safetensors", 50)
	if _, err := s.Scan(); err != nil {
		t.Fatal(err)
	}
	// Now break things.
	put(t, dir, "checkpoints/org/a.safetensors", 99)           // corrupt: size changed
	put(t, dir, "checkpoints/org/c.safetensors.part", 10)      // resumable
	put(t, dir, "checkpoints/org/c.safetensors.part.json", 10) //
	put(t, dir, "checkpoints/org/d.safetensors.part", 10)      // no state: removed
	put(t, dir, "loras/org/e.safetensors.part.json", 10)       // no data: removed
	put(t, dir, "loras/org/.x.safetensors.part.json-12345", 3) // temporary: removed
	put(t, dir, "controlnet/org/f.safetensors", 7)             // adopted
	put(t, dir, "README.txt", 5)                               // not ours
	os.Remove(filepath.Join(dir, "loras/org/b.safetensors"))   // forgotten
	var removed []string
	s.OnRemoved = func(id, why string) { removed = append(removed, id+" "+why) }
	rep, err = s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Models != 1 || !slices.Equal(rep.Partial, []string{"checkpoints/org/c.safetensors.part"}) || !slices.Equal(rep.Adopted, []string{"controlnet:org/f"}) ||
		!slices.Equal(rep.Forgotten, []string{"lora:org/b"}) || len(rep.Removed) != 4 {
		t.Fatalf("%+v", rep)
	}
	if !slices.Equal(removed, []string{"base:org/a corrupt"}) {
		t.Errorf("reported %v", removed)
	}
	for rel, want := range map[string]bool{"checkpoints/org/a.safetensors": false, "checkpoints/org/c.safetensors.part": true, "checkpoints/org/d.safetensors.part": false,
		"loras/org/e.safetensors.part.json": false, "README.txt": true, "controlnet/org/f.safetensors": true, "loras/org/.x.safetensors.part.json-12345": false} {
		if _, err := os.Stat(filepath.Join(dir, rel)); (err == nil) != want {
			t.Errorf("%s: exists %v", rel, err == nil)
		}
	}
	// The index survives a reopen.
	s2, rep2, err := Open(dir, nil, nil)
	if err != nil || rep2.Models != 1 || len(rep2.Adopted) != 0 || !s2.Has(mustID(t, "controlnet:org/f")) {
		t.Fatalf("reopen: %+v %v", rep2, err)
	}
}

// TestStoreEviction: over the quota the least recently used go first;
// a model in use or pinned is never evicted; what cannot fit is refused.
func TestStoreEviction(t *testing.T) {
	dir := t.TempDir()
	quota := int64(1000)
	s, _, err := Open(dir, func() int64 { return quota }, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	for _, m := range []string{"a", "b", "c", "d"} {
		put(t, dir, "checkpoints/org/"+m+".safetensors", 250)
	}
	if _, err := s.Scan(); err != nil {
		t.Fatal(err)
	}
	// Use order: c, a, d, b (b most recent).
	for _, m := range []string{"c", "a", "d", "b"} {
		rel, err := s.Acquire(mustID(t, "base:org/"+m))
		if err != nil {
			t.Fatal(err)
		}
		rel()
	}
	var reported []string
	s.OnRemoved = func(id, why string) { reported = append(reported, id) }
	inUse, _ := s.Acquire(mustID(t, "base:org/c")) // the oldest, but a task runs on it
	s.Pin(mustID(t, "base:org/a"))                 // the network told the node to hold it
	removed, err := s.MakeRoom(300)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{"base:org/d", "base:org/b"}) || !slices.Equal(reported, removed) {
		t.Fatalf("evicted %v (reported %v)", removed, reported)
	}
	if s.Used() != 500 {
		t.Fatalf("used %d", s.Used())
	}
	// c in use and a pinned: 600 cannot fit.
	if _, err := s.MakeRoom(600); !errors.Is(err, ErrQuota) {
		t.Fatalf("no room: %v", err)
	}
	if _, err := s.MakeRoom(1001); !errors.Is(err, ErrQuota) {
		t.Fatalf("over the quota: %v", err)
	}
	if err := s.Remove(mustID(t, "base:org/c")); err == nil {
		t.Fatal("a model in use was deleted")
	}
	inUse()
	s.Unpin(mustID(t, "base:org/a"))
	if removed, err := s.MakeRoom(900); err != nil || len(removed) != 2 {
		t.Fatalf("after release: %v %v", removed, err)
	}
	if err := s.Remove(mustID(t, "base:org/a")); err == nil {
		t.Fatal("removed a model twice")
	}
}

// TestStoreInstall downloads into the store's layout, verified, and
// makes room first.
func TestStoreInstall(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	dir := t.TempDir()
	s, _, err := Open(dir, func() int64 { return 3 * mib }, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(t, dir, "checkpoints/org/old.safetensors", 2*mib)
	if _, err := s.Scan(); err != nil {
		t.Fatal(err)
	}
	id := mustID(t, "lora:civitai/pixel-art")
	var mu sync.Mutex
	var evicted []string
	s.OnRemoved = func(id, why string) { mu.Lock(); evicted = append(evicted, id+" "+why); mu.Unlock() }
	if err := s.Install(context.Background(), testDownloader(), id, Fetch{URL: ts.URL, SHA256: sum(srv.content)}, 2*mib); err != nil {
		t.Fatal(err)
	}
	if !s.Has(id) || s.Has(mustID(t, "base:org/old")) || !slices.Equal(evicted, []string{"base:org/old evicted"}) {
		t.Fatalf("has %v, evicted %v", s.Has(id), evicted)
	}
	b, err := os.ReadFile(filepath.Join(dir, "loras", "civitai", "pixel-art.safetensors"))
	if err != nil || len(b) != 2*mib {
		t.Fatal(len(b), err)
	}
	if l := s.List(); len(l) != 1 || l[0].SHA256 != sum(srv.content) || l[0].Bytes != 2*mib {
		t.Fatalf("%+v", l)
	}
}

// TestStoreInstallChecksTheDisk: a model the disk has no room for (a
// gigabyte kept free) is refused before any byte is fetched; what a
// partial download holds already counts.
func TestStoreInstallChecksTheDisk(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	s, _, err := Open(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	free := uint64(DiskReserve + mib)
	s.FreeSpace = func(string) (uint64, uint64, error) { return free, 100 << 30, nil }
	id := mustID(t, "lora:org/x")
	f := Fetch{URL: ts.URL, SHA256: sum(srv.content)}
	if err := s.Install(context.Background(), testDownloader(), id, f, 2*mib); !errors.Is(err, ErrDiskFull) {
		t.Fatal(err)
	}
	if _, reqs := srv.stats(); reqs != 0 || s.Has(id) {
		t.Fatalf("%d requests after refusing", reqs)
	}
	// Half of it on disk already: the other half fits.
	put(t, s.Dir(), "loras/org/x.safetensors.part", mib)
	if err := s.checkDisk(s.Path(id), 2*mib); err != nil {
		t.Fatal(err)
	}
	free = DiskReserve + 3*mib
	if err := s.Install(context.Background(), testDownloader(), id, f, 2*mib); err != nil || !s.Has(id) {
		t.Fatal(err)
	}
}
