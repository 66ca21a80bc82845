package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// blob is a file's content, generated.
func blob(n int) []byte {
	b := make([]byte, n)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// server serves content with Range support and misbehaves on command.
type server struct {
	content []byte
	mu      sync.Mutex
	served  int64 // body bytes written
	reqs    int
	// Misbehaviour:
	dropAt  int64 // the first request reaching this offset is cut there (0: never)
	corrupt bool  // the next full pass has one byte flipped
	noRange bool  // ignore Range: always 200 with everything
	status  int   // answer this status instead
	slow    time.Duration
	hold    chan struct{} // when set, a body waits until it closes
}

type countingWriter struct {
	http.ResponseWriter
	s     *server
	off   int64
	cutAt int64 // cut the connection once this offset is reached (-1: never)
	flip  int64 // flip the byte at this offset (-1: never)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.cutAt >= 0 && w.off+int64(len(p)) > w.cutAt {
		n := int(w.cutAt - w.off)
		w.ResponseWriter.Write(p[:n])
		w.s.mu.Lock()
		w.s.served += int64(n)
		w.s.mu.Unlock()
		w.ResponseWriter.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops mid-file
	}
	if w.flip >= w.off && w.flip < w.off+int64(len(p)) {
		q := append([]byte(nil), p...)
		q[w.flip-w.off] ^= 0xff
		p = q
	}
	n, err := w.ResponseWriter.Write(p)
	w.off += int64(n)
	w.s.mu.Lock()
	w.s.served += int64(n)
	w.s.mu.Unlock()
	return n, err
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs++
	status, slow, noRange, hold := s.status, s.slow, s.noRange, s.hold
	s.mu.Unlock()
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if slow > 0 {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(slow)
		return
	}
	probe := r.Header.Get("Range") == "bytes=0-0"
	if hold != nil && !probe {
		<-hold
	}
	if noRange {
		r.Header.Del("Range")
		w.Header().Set("Accept-Ranges", "none")
	}
	start := int64(0)
	if a, _, ok := strings.Cut(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-"); ok {
		if n, err := strconv.ParseInt(a, 10, 64); err == nil {
			start = n
		}
	}
	cw := &countingWriter{ResponseWriter: w, s: s, off: start, cutAt: -1, flip: -1}
	s.mu.Lock()
	if s.dropAt > 0 && start <= s.dropAt && !probe {
		// Cut the request that covers dropAt (the probe is spared).
		if end := rangeEnd(r.Header.Get("Range"), int64(len(s.content))); s.dropAt < end {
			cw.cutAt = s.dropAt
			s.dropAt = 0
		}
	}
	if s.corrupt && start == 0 && !probe {
		cw.flip = 12345
		s.corrupt = false
	}
	s.mu.Unlock()
	http.ServeContent(cw, r, "model.safetensors", time.Time{}, bytes.NewReader(s.content))
}

func rangeEnd(rg string, size int64) int64 {
	_, b, ok := strings.Cut(rg, "-")
	if !ok || b == "" {
		return size
	}
	var n int64
	for _, c := range b {
		n = n*10 + int64(c-'0')
	}
	return n + 1
}

func (s *server) stats() (served int64, reqs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served, s.reqs
}

func newServer(t *testing.T, size int) (*server, *httptest.Server) {
	s := &server{content: blob(size)}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// testDownloader fetches from the tests' servers, on loopback.
func testDownloader() *Downloader {
	return &Downloader{Parts: 4, MinPart: 1 << 20, Backoff: 10 * time.Millisecond, Stall: 2 * time.Second, AllowPrivateHosts: LoopbackPrefixes()}
}

const mib = 1 << 20

func TestDownloadParallelRanges(t *testing.T) {
	s, ts := newServer(t, 9*mib+123)
	dest := filepath.Join(t.TempDir(), "checkpoints", "org", "m.safetensors")
	var last Progress
	var calls atomic.Int32
	d := testDownloader()
	d.ProgressEvery = 5 * time.Millisecond
	d.Progress = func(p Progress) { last = p; calls.Add(1) }
	if err := d.Download(context.Background(), Fetch{URL: ts.URL + "/m", SHA256: sum(s.content)}, dest); err != nil {
		t.Fatal(err)
	}
	sameFile(t, dest, s.content)
	served, reqs := s.stats()
	if served != int64(len(s.content))+1 || reqs != 5 { // the probe's byte, then 4 ranges
		t.Errorf("served %d bytes in %d requests", served, reqs)
	}
	if last.Done != int64(len(s.content)) || last.Total != int64(len(s.content)) || calls.Load() == 0 {
		t.Errorf("last progress %+v after %d calls", last, calls.Load())
	}
	for _, p := range []string{dest + ".part", dest + ".part.json"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind", p)
		}
	}
	// Present already: nothing is fetched.
	if err := d.Download(context.Background(), Fetch{URL: ts.URL + "/m", SHA256: sum(s.content)}, dest); err != nil {
		t.Fatal(err)
	}
	if _, r2 := s.stats(); r2 != reqs {
		t.Error("a present file was fetched again")
	}
}

// A connection cut mid-file resumes that range from what arrived: the
// bytes served exceed the file by less than one range.
func TestDownloadResumesAfterDrop(t *testing.T) {
	s, ts := newServer(t, 8*mib)
	s.dropAt = 5*mib + 777
	fetchAndCheck(t, s, ts.URL)
	served, _ := s.stats()
	if extra := served - int64(len(s.content)); extra > 2*mib {
		t.Errorf("%d bytes re-fetched: more than one range (2 MiB)", extra)
	}
}

// A daemon stopped mid-download (its context ended; its process gone)
// resumes from the state on disk.
func TestDownloadResumesAfterRestart(t *testing.T) {
	s, ts := newServer(t, 8*mib)
	dest := filepath.Join(t.TempDir(), "m.safetensors")
	f := Fetch{URL: ts.URL, SHA256: sum(s.content)}
	ctx, cancel := context.WithCancel(context.Background())
	d := testDownloader()
	d.Limit = rate.NewLimiter(rate.Limit(8*mib), 64<<10) // about a second for the file
	d.Progress = func(p Progress) {
		if p.Done > 3*mib {
			cancel()
		}
	}
	d.ProgressEvery = 10 * time.Millisecond
	if err := d.Download(ctx, f, dest); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped download: %v", err)
	}
	st, err := loadState(dest+".part.json", f, DefaultMaxBytes)
	if err != nil {
		t.Fatal("no state saved:", err)
	}
	saved := int64(0)
	for _, p := range st.Parts {
		saved += p.Done
	}
	if saved < 2*mib {
		t.Fatalf("only %d bytes recorded", saved)
	}
	before, _ := s.stats()
	if err := testDownloader().Download(context.Background(), f, dest); err != nil {
		t.Fatal(err)
	}
	after, _ := s.stats()
	sameFile(t, dest, s.content)
	if second := after - before; second > int64(len(s.content))-saved+1 {
		t.Errorf("the second run fetched %d bytes; %d were on disk", second, saved)
	}
}

func TestDownloadRejectsWrongBytes(t *testing.T) {
	s, ts := newServer(t, 3*mib)
	s.corrupt = true // the first pass flips a byte
	fetchAndCheck(t, s, ts.URL)
	if served, _ := s.stats(); served < 2*int64(len(s.content)) {
		t.Errorf("served %d bytes: the corrupt pass was not rejected and fetched again", served)
	}
	// A hash the source never matches: refused, nothing left.
	dest2 := filepath.Join(t.TempDir(), "m2.safetensors")
	err := testDownloader().Download(context.Background(), Fetch{URL: ts.URL, SHA256: strings.Repeat("ab", 32)}, dest2)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("wrong hash: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dest2))
	if len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

func TestDownloadWithoutRanges(t *testing.T) {
	s, ts := newServer(t, 5*mib)
	s.noRange = true
	s.dropAt = 2 * mib // and a drop: without ranges it starts over
	fetchAndCheck(t, s, ts.URL)
	if served, reqs := s.stats(); served < int64(len(s.content))+2*mib || reqs < 3 {
		t.Errorf("served %d bytes in %d requests: the drop did not restart the file", served, reqs)
	}
}

func TestDownloadErrors(t *testing.T) {
	for _, c := range []struct {
		status int
		want   error
	}{{404, ErrNotFound}, {403, ErrForbidden}, {401, ErrForbidden}} {
		s, ts := newServer(t, mib)
		s.status = c.status
		dest := filepath.Join(t.TempDir(), "m.safetensors")
		err := testDownloader().Download(context.Background(), Fetch{URL: ts.URL, SHA256: sum(s.content)}, dest)
		if !errors.Is(err, c.want) {
			t.Errorf("%d: %v", c.status, err)
		}
		if _, reqs := s.stats(); reqs != 1 {
			t.Errorf("%d: retried %d times", c.status, reqs)
		}
	}
	// A server that stops sending: a clear stall error after the attempts.
	s, ts := newServer(t, mib)
	s.slow = 3 * time.Second
	d := testDownloader()
	d.Stall, d.Attempts = 100*time.Millisecond, 2
	err := d.Download(context.Background(), Fetch{URL: ts.URL, SHA256: sum(s.content)}, filepath.Join(t.TempDir(), "m"))
	if !errors.Is(err, ErrStalled) && !strings.Contains(err.Error(), "stall") {
		t.Errorf("slow server: %v", err)
	}
	// A server that answers 500: retried, then its status.
	s5, ts5 := newServer(t, mib)
	s5.status = 500
	d = testDownloader()
	d.Attempts = 3
	err = d.Download(context.Background(), Fetch{URL: ts5.URL, SHA256: sum(s5.content)}, filepath.Join(t.TempDir(), "m"))
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: %v", err)
	}
	if _, reqs := s5.stats(); reqs != 3 {
		t.Errorf("500: %d requests, want 3", reqs)
	}
	for _, f := range []Fetch{{URL: ts.URL, SHA256: "abc"}, {URL: ts.URL, SHA256: strings.Repeat("zz", 32)}, {URL: "file:///etc/passwd", SHA256: strings.Repeat("ab", 32)}, {URL: "http://", SHA256: strings.Repeat("ab", 32)}} {
		if err := testDownloader().Download(context.Background(), f, filepath.Join(t.TempDir(), "m")); !errors.Is(err, ErrBadFetch) {
			t.Errorf("%+v: %v", f, err)
		}
	}
}

// fetchAndCheck downloads the server's file with the test downloader and
// checks it arrived whole.
func fetchAndCheck(t *testing.T, s *server, url string) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "m.safetensors")
	if err := testDownloader().Download(context.Background(), Fetch{URL: url, SHA256: sum(s.content)}, dest); err != nil {
		t.Fatal(err)
	}
	sameFile(t, dest, s.content)
}

func sameFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes (%v), want the %d served", path, len(got), err, len(want))
	}
}

func TestParseContentRange(t *testing.T) {
	type r struct {
		first, last, complete int64
		ok                    bool
	}
	for h, want := range map[string]r{
		"bytes 0-0/1234":      {0, 0, 1234, true},
		"bytes 500-1233/1234": {500, 1233, 1234, true},
		"Bytes 1-2/3":         {1, 2, 3, true},
		" bytes 1-2/3 ":       {1, 2, 3, true},
		"bytes 0-0/*":         {0, 0, -1, true},
		"bytes 0-9223372036854775806/9223372036854775807": {0, 9223372036854775806, 9223372036854775807, true},
		"bytes */1234":                   {},
		"bytes 5-4/10":                   {}, // last before first
		"bytes 0-10/10":                  {}, // past the end
		"bytes -1-5/10":                  {},
		"bytes +1-5/10":                  {},
		"bytes 1--5/10":                  {},
		"bytes 0-99999999999999999999/5": {},
		"bytes 0-1/99999999999999999999": {},
		"bytes 0-9223372036854775807/9223372036854775807": {}, // past the end
		"bytes 1-2":                              {},
		"items 1-2/3":                            {},
		"bytes  1-2/3":                           {},
		"bytes 1 -2/3":                           {},
		"bytes 0x1-2/3":                          {},
		"":                                       {},
		"bytes 1-2/3" + strings.Repeat(" ", 100): {},
	} {
		var got r
		got.first, got.last, got.complete, got.ok = parseContentRange(h)
		if got != want {
			t.Errorf("%q: %+v, want %+v", h, got, want)
		}
	}
}

// TestServerContentRangeChecked: ranges whose Content-Range does not
// match the request, or names another size of file, are not written
// where they do not belong: the download starts over and the file
// arrives right.
func TestServerContentRangeChecked(t *testing.T) {
	content := blob(3 * mib)
	for name, lie := range map[string]func(first, last int64) string{
		"another size": func(first, last int64) string { return fmt.Sprintf("bytes %d-%d/%d", first, last, len(content)+1) },
		"another start": func(first, last int64) string {
			return fmt.Sprintf("bytes %d-%d/%d", first+1, last, len(content))
		},
		"garbage": func(int64, int64) string { return "bytes 0-99999999999999999999/5" },
	} {
		t.Run(name, func(t *testing.T) {
			var lies atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a, z, ok := strings.Cut(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-")
				first, _ := strconv.ParseInt(a, 10, 64)
				last, _ := strconv.ParseInt(z, 10, 64)
				if !ok || r.Header.Get("Range") == "bytes=0-0" || lies.Add(1) > 2 {
					http.ServeContent(w, r, "m", time.Time{}, bytes.NewReader(content))
					return
				}
				w.Header().Set("Content-Range", lie(first, last))
				w.WriteHeader(http.StatusPartialContent)
				w.Write(content[first : last+1])
			}))
			defer ts.Close()
			dest := filepath.Join(t.TempDir(), "m")
			if err := testDownloader().Download(context.Background(), Fetch{URL: ts.URL, SHA256: sum(content)}, dest); err != nil {
				t.Fatal(err)
			}
			sameFile(t, dest, content)
			if lies.Load() == 0 {
				t.Fatal("the server never lied")
			}
		})
	}
}
