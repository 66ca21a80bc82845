package models

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The security review's findings (issue 17) in the model downloader,
// each shown gone.

// counted counts what reaches a test server: connections accepted and
// HTTP requests answered.
type counted struct {
	conns, reqs atomic.Int32
}

func (c *counted) connState(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		c.conns.Add(1)
	}
}

// countedTLS is a TLS server on addr (loopback) serving content, with
// what reached it counted.
func countedTLS(t *testing.T, addr string, content []byte) (*httptest.Server, *counted) {
	t.Helper()
	var c counted
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.reqs.Add(1)
		http.ServeContent(w, r, "m.safetensors", time.Time{}, bytes.NewReader(content))
	}))
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		ts.Listener.Close()
		ts.Listener = ln
	}
	ts.Config.ConnState = c.connState
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts, &c
}

// ownDialer is a client that trusts ts's certificate but dials the
// Downloader's own way (an *http.Transport without a dialler: the
// guard's, which checks before connecting).
func ownDialer(ts *httptest.Server) *http.Client {
	tls := ts.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tls}}
}

// asExampleCom is c checking the server's certificate for example.com,
// a name the test certificate holds, whatever host the URL names.
func asExampleCom(c *http.Client) *http.Client {
	tr := c.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "example.com"
	return &http.Client{Transport: tr}
}

// strictDownloader is the Downloader's default: no address allowed.
func strictDownloader() *Downloader {
	return &Downloader{MinPart: mib, Backoff: 10 * time.Millisecond, Stall: 2 * time.Second}
}

func gone(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind (%v)", p, err)
		}
	}
}

// Finding 4: an https link may not redirect to plain http, even to a
// host that is allowed.
func TestFinding4RedirectToHTTPRefused(t *testing.T) {
	plain, plainTS := newServer(t, mib)
	redirector := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plainTS.URL+"/m", http.StatusFound)
	}))
	defer redirector.Close()
	d := testDownloader() // loopback allowed: only the scheme is at stake
	d.Client = redirector.Client()
	dest := filepath.Join(t.TempDir(), "m.safetensors")
	err := d.Download(context.Background(), Fetch{URL: redirector.URL + "/m", SHA256: sum(plain.content)}, dest)
	if !errors.Is(err, ErrInsecureRedirect) {
		t.Fatalf("redirect to http: %v", err)
	}
	if _, reqs := plain.stats(); reqs != 0 {
		t.Errorf("%d requests reached the plain-http server", reqs)
	}
	gone(t, dest, dest+".part")
}

// Finding 4: a task's link to this machine is refused without the
// owner's allowance, by address and by a name resolving to it; nothing
// reaches the local service. With the guard's own dialler not even a
// connection is made.
func TestFinding4LinkToLoopbackRefused(t *testing.T) {
	content := blob(mib)
	ts, c := countedTLS(t, "127.0.0.1:0", content)
	port := ts.Listener.Addr().(*net.TCPAddr).Port
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run("manager/"+host, func(t *testing.T) {
			m := newManager(t, nil, 0)
			m.Tune = func(d *Downloader) { d.Backoff, d.Stall = 10*time.Millisecond, 2*time.Second } // the owner allowed nothing
			m.Client = asExampleCom(ts.Client())
			id := fmt.Sprintf("lora:https://%s:%d/api/download/models/1#sha256=%s", host, port, sum(content))
			err := m.Fetch(context.Background(), id)
			if !errors.Is(err, ErrPrivateAddress) {
				t.Fatalf("fetch %s: %v", id, err)
			}
			if n := c.reqs.Load(); n != 0 {
				t.Fatalf("%d requests reached the local server", n)
			}
			if m.Has(id) {
				t.Fatal("held")
			}
		})
		t.Run("own dialler/"+host, func(t *testing.T) {
			before := c.conns.Load()
			d := strictDownloader()
			d.Client = asExampleCom(ownDialer(ts))
			dest := filepath.Join(t.TempDir(), "m.safetensors")
			err := d.Download(context.Background(), Fetch{URL: fmt.Sprintf("https://%s:%d/m", host, port), SHA256: sum(content)}, dest)
			if !errors.Is(err, ErrPrivateAddress) {
				t.Fatalf("download: %v", err)
			}
			if n := c.conns.Load() - before; n != 0 || c.reqs.Load() != 0 {
				t.Fatalf("%d connections, %d requests reached the local server", n, c.reqs.Load())
			}
		})
	}
	// The owner's allowance opens it (a mirror on this machine).
	d := strictDownloader()
	d.Client = ownDialer(ts)
	d.AllowPrivateHosts = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	dest := filepath.Join(t.TempDir(), "m.safetensors")
	if err := d.Download(context.Background(), Fetch{URL: ts.URL + "/m", SHA256: sum(content)}, dest); err != nil {
		t.Fatal("allowed mirror:", err)
	}
	sameFile(t, dest, content)
}

// Finding 4: a link on an allowed host may not redirect to an address
// the owner did not allow: here ::1, beside the allowed 127.0.0.1.
func TestFinding4RedirectToPrivateRefused(t *testing.T) {
	content := blob(mib)
	target, c := countedTLS(t, "[::1]:0", content)
	redirector := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/m", http.StatusFound)
	}))
	defer redirector.Close()
	for name, client := range map[string]*http.Client{"caller's dialler": redirector.Client(), "own dialler": ownDialer(redirector)} {
		t.Run(name, func(t *testing.T) {
			d := strictDownloader()
			d.AllowPrivateHosts = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			d.Client = client
			dest := filepath.Join(t.TempDir(), "m.safetensors")
			err := d.Download(context.Background(), Fetch{URL: redirector.URL + "/m", SHA256: sum(content)}, dest)
			if !errors.Is(err, ErrPrivateAddress) {
				t.Fatalf("redirect to ::1: %v", err)
			}
			if n, r := c.conns.Load(), c.reqs.Load(); n != 0 || r != 0 {
				t.Fatalf("%d connections, %d requests reached the redirect's target", n, r)
			}
			gone(t, dest)
		})
	}
}

// chunked serves content without a length and without ranges, in
// pieces, counting the bytes it sends.
type chunked struct {
	content []byte
	sent    atomic.Int64
	reqs    atomic.Int32
	length  bool // announce the length (still no ranges)
}

func (c *chunked) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.reqs.Add(1)
	if c.length {
		w.Header().Set("Content-Length", fmt.Sprint(len(c.content)))
	}
	w.WriteHeader(http.StatusOK)
	for off := 0; off < len(c.content); off += 256 << 10 {
		n, err := w.Write(c.content[off:min(off+256<<10, len(c.content))])
		c.sent.Add(int64(n))
		if err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

func linkID(t *testing.T, content []byte) ID {
	return mustID(t, "lora:https://models.invalid/x#sha256="+sum(content))
}

// Finding 6: a link's model of unknown size stops at the cap (here the
// store's quota, smaller than the default cap) and its partial file is
// deleted; without the cap it filled the disk.
func TestFinding6LinkModelCappedByQuota(t *testing.T) {
	srv := &chunked{content: blob(64 * mib)}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	s, _, err := Open(t.TempDir(), func() int64 { return 2 * mib }, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := linkID(t, srv.content)
	err = s.Install(context.Background(), testDownloader(), id, Fetch{URL: ts.URL, SHA256: sum(srv.content)}, 0)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("64 MiB under a 2 MiB quota: %v", err)
	}
	if s.Has(id) {
		t.Fatal("held")
	}
	gone(t, s.Path(id), s.Path(id)+".part", s.Path(id)+".part.json")
	if sent := srv.sent.Load(); sent >= int64(len(srv.content)) {
		t.Errorf("the whole %d bytes were fetched", sent)
	}
}

// Finding 6: the free-disk check follows a download of unknown size as
// it grows: it stops before the disk's last gigabyte.
func TestFinding6FreeDiskCheckedAsItGrows(t *testing.T) {
	srv := &chunked{content: blob(64 * mib)}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	s, _, err := Open(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := linkID(t, srv.content)
	var mu sync.Mutex
	written := int64(0) // the most the partial file held when the disk was asked
	s.FreeSpace = func(string) (uint64, uint64, error) {
		var n int64
		if fi, err := os.Stat(s.Path(id) + ".part"); err == nil {
			n = fi.Size()
		}
		mu.Lock()
		written = max(written, n)
		mu.Unlock()
		return uint64(max(DiskReserve+40*mib-n, 0)), 100 << 30, nil
	}
	err = s.Install(context.Background(), testDownloader(), id, Fetch{URL: ts.URL, SHA256: sum(srv.content)}, 0)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("64 MiB onto 40 MiB above the reserve: %v", err)
	}
	gone(t, s.Path(id), s.Path(id)+".part")
	mu.Lock()
	defer mu.Unlock()
	if written == 0 || written > 40*mib {
		t.Errorf("the disk was last asked with %d bytes written", written)
	}
}

// Finding 6: a server announcing more than the cap is refused before
// the download: with ranges (Content-Range), without (Content-Length),
// and a catalog model bigger than the network says.
func TestFinding6ContentLengthOverCapRefused(t *testing.T) {
	withLength := &chunked{content: blob(16 * mib), length: true}
	noRanges := httptest.NewServer(withLength)
	defer noRanges.Close()
	ranged, rangedTS := newServer(t, 16*mib)
	for _, c := range []struct {
		name  string
		url   string
		sha   string
		size  int64 // the catalog's (0: unknown)
		reqs  func() int
		quota int64
	}{
		{"Content-Length", noRanges.URL, sum(withLength.content), 0, func() int { return int(withLength.reqs.Load()) }, 2 * mib},
		{"Content-Range", rangedTS.URL, sum(ranged.content), 0, func() int { _, r := ranged.stats(); return r }, 2 * mib},
		{"catalog size", rangedTS.URL, sum(ranged.content), mib, func() int { _, r := ranged.stats(); return r }, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _, err := Open(t.TempDir(), func() int64 { return c.quota }, nil)
			if err != nil {
				t.Fatal(err)
			}
			id := mustID(t, "lora:org/big")
			before := c.reqs()
			err = s.Install(context.Background(), testDownloader(), id, Fetch{URL: c.url, SHA256: c.sha}, c.size)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("16 MiB: %v", err)
			}
			if n := c.reqs() - before; n != 1 {
				t.Errorf("%d requests: more than the probe", n)
			}
			gone(t, s.Path(id), s.Path(id)+".part", s.Path(id)+".part.json")
		})
	}
}

// Finding 7: a file already where a download would go is hashed before
// it is taken for the model: one with other bytes is replaced by the
// download, one with the right bytes kept without a download.
func TestFinding7PlantedFileNotTrusted(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	s, _, err := Open(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := linkID(t, srv.content)
	put(t, s.Dir(), id.Path(), 2*mib) // planted: zeros
	f := Fetch{URL: ts.URL, SHA256: sum(srv.content)}
	if err := s.Install(context.Background(), testDownloader(), id, f, 0); err != nil {
		t.Fatal(err)
	}
	sameFile(t, s.Path(id), srv.content)
	if _, reqs := srv.stats(); reqs == 0 {
		t.Fatal("the planted file was taken for the model")
	}
	// A symlink planted there: replaced, what it points to untouched.
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("not a model"), 0o600); err != nil {
		t.Fatal(err)
	}
	id2 := mustID(t, "lora:org/linked")
	if err := os.MkdirAll(filepath.Dir(s.Path(id2)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, s.Path(id2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Install(context.Background(), testDownloader(), id2, f, 0); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(s.Path(id2)); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("%v %v", fi, err)
	}
	sameFile(t, s.Path(id2), srv.content)
	if b, _ := os.ReadFile(victim); string(b) != "not a model" {
		t.Fatal("the symlink's target was changed")
	}
	// The right bytes already there (a model copied in by the owner):
	// hashed, kept, nothing fetched.
	id3 := mustID(t, "lora:org/copied")
	if err := os.WriteFile(s.Path(id3), srv.content, 0o644); err != nil {
		t.Fatal(err)
	}
	_, before := srv.stats()
	if err := s.Install(context.Background(), testDownloader(), id3, f, 0); err != nil || !s.Verified(id3) {
		t.Fatal(err)
	}
	if _, after := srv.stats(); after != before {
		t.Errorf("%d requests for a model already there", after-before)
	}
}

// Finding 7: a symlink planted at the partial file's path, beside a
// state that would resume into it, is not written through (the daemon
// runs as root: it would overwrite any file).
func TestFinding7PlantedPartialNotFollowed(t *testing.T) {
	srv, ts := newServer(t, 2*mib)
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "m.safetensors")
	f := Fetch{URL: ts.URL, SHA256: sum(srv.content)}
	st := fmt.Sprintf(`{"url":%q,"sha256":%q,"size":%d,"ranged":true,"parts":[{"start":0,"end":%d,"done":0}]}`, f.URL, f.SHA256, 2*mib, 2*mib)
	if err := os.WriteFile(dest+".part.json", []byte(st), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, dest+".part"); err != nil {
		t.Fatal(err)
	}
	if err := testDownloader().Download(context.Background(), f, dest); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(dest); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("%v %v", fi, err)
	}
	sameFile(t, dest, srv.content)
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("the symlink's target now holds %d bytes", len(b))
	}
}

// Finding 14: a resume state whose numbers overflow, or that does not
// describe the file, restarts the download cleanly: the file arrives
// whole and right.
func TestFinding14ResumeStateOverflow(t *testing.T) {
	srv, ts := newServer(t, 3*mib)
	size := int64(len(srv.content))
	const maxInt = int64(^uint64(0) >> 1)
	for name, parts := range map[string]string{
		"start+done overflows": fmt.Sprintf(`[{"start":1,"end":%d,"done":%d}]`, size, maxInt),
		"done overflows":       fmt.Sprintf(`[{"start":0,"end":%d,"done":0},{"start":%d,"end":%d,"done":%d}]`, mib, mib, size, maxInt-mib+1),
		"negative start":       fmt.Sprintf(`[{"start":-5,"end":%d,"done":0}]`, size),
		"end before start":     fmt.Sprintf(`[{"start":0,"end":%d,"done":0},{"start":%d,"end":5,"done":0}]`, size, size),
		"overlapping":          fmt.Sprintf(`[{"start":0,"end":%d,"done":0},{"start":5,"end":%d,"done":0}]`, size, size),
		"a gap":                fmt.Sprintf(`[{"start":0,"end":5,"done":5},{"start":10,"end":%d,"done":0}]`, size),
		"done beyond the part": fmt.Sprintf(`[{"start":0,"end":%d,"done":%d}]`, mib, 2*mib),
		"short of the file":    fmt.Sprintf(`[{"start":0,"end":%d,"done":%d}]`, mib, mib),
	} {
		t.Run(name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "m.safetensors")
			f := Fetch{URL: ts.URL, SHA256: sum(srv.content)}
			put(t, filepath.Dir(dest), "m.safetensors.part", int(size))
			st := fmt.Sprintf(`{"url":%q,"sha256":%q,"size":%d,"ranged":true,"parts":%s}`, f.URL, f.SHA256, size, parts)
			if err := os.WriteFile(dest+".part.json", []byte(st), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := testDownloader().Download(context.Background(), f, dest); err != nil {
				t.Fatal(err)
			}
			sameFile(t, dest, srv.content)
			gone(t, dest+".part", dest+".part.json")
		})
	}
	// A size beyond what the file can be, and a state for one piece with
	// several: refused likewise.
	for name, st := range map[string]string{
		"huge size":      fmt.Sprintf(`{"url":%q,"sha256":%q,"size":%d,"ranged":true,"parts":[{"start":0,"end":%d,"done":%d}]}`, ts.URL, sum(srv.content), maxInt, maxInt, size),
		"one piece, two": fmt.Sprintf(`{"url":%q,"sha256":%q,"size":-1,"ranged":false,"parts":[{"start":0,"end":-1},{"start":0,"end":-1}]}`, ts.URL, sum(srv.content)),
	} {
		t.Run(name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "m.safetensors")
			if err := os.WriteFile(dest+".part.json", []byte(st), 0o644); err != nil {
				t.Fatal(err)
			}
			put(t, filepath.Dir(dest), "m.safetensors.part", 10)
			if err := testDownloader().Download(context.Background(), Fetch{URL: ts.URL, SHA256: sum(srv.content)}, dest); err != nil {
				t.Fatal(err)
			}
			sameFile(t, dest, srv.content)
		})
	}
}

// A link's model ID with "localhost" spelled otherwise is refused by
// the same check (the guard reads the resolved address).
func TestFinding4LoopbackSpellings(t *testing.T) {
	content := blob(mib)
	ts, c := countedTLS(t, "127.0.0.1:0", content)
	port := ts.Listener.Addr().(*net.TCPAddr).Port
	for _, host := range []string{"LOCALHOST", "localhost.", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]"} {
		d := strictDownloader()
		d.Client = ownDialer(ts)
		err := d.Download(context.Background(), Fetch{URL: fmt.Sprintf("https://%s:%d/m", host, port), SHA256: sum(content)}, filepath.Join(t.TempDir(), "m"))
		if err == nil || strings.Contains(err.Error(), "sha256") {
			t.Errorf("%s: %v", host, err)
		}
	}
	if n, r := c.conns.Load(), c.reqs.Load(); n != 0 || r != 0 {
		t.Fatalf("%d connections, %d requests reached the local server", n, r)
	}
}

// Finding 6 (review): a link's bytes, which nobody vouches for until
// their hash checks, evict nothing while they arrive: a link streaming
// junk up to the quota left the cache empty before its hash failed.
func TestFinding6JunkLinkEvictsNothing(t *testing.T) {
	s, _, err := Open(t.TempDir(), func() int64 { return 8 * mib }, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := &chunked{content: blob(4 * mib)}
	ts := httptest.NewServer(good)
	defer ts.Close()
	held := linkID(t, good.content)
	if err := s.Install(context.Background(), testDownloader(), held, Fetch{URL: ts.URL, SHA256: sum(good.content)}, 0); err != nil {
		t.Fatal(err)
	}
	junk := &chunked{content: blob(6 * mib)}
	junk.content[0] ^= 1 // not what its hash says
	tj := httptest.NewServer(junk)
	defer tj.Close()
	claimed := blob(6 * mib)
	err = s.Install(context.Background(), testDownloader(), linkID(t, claimed), Fetch{URL: tj.URL, SHA256: sum(claimed)}, 0)
	if err == nil {
		t.Fatal("junk was installed")
	}
	if !s.Has(held) {
		t.Fatalf("junk that failed its hash evicted a verified model (%v)", err)
	}
	// A verified link that needs the room still gets it, once verified.
	fresh := &chunked{content: blob(5 * mib)}
	fresh.content[1] ^= 2
	tf := httptest.NewServer(fresh)
	defer tf.Close()
	id := linkID(t, fresh.content)
	if err := s.Install(context.Background(), testDownloader(), id, Fetch{URL: tf.URL, SHA256: sum(fresh.content)}, 0); err != nil {
		t.Fatal(err)
	}
	if !s.Has(id) || s.Has(held) {
		t.Fatalf("after a verified 5 MiB link under an 8 MiB quota: new %v, old %v", s.Has(id), s.Has(held))
	}
}
