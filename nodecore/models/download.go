package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
)

// Fetch is one file to download: where from, and the sha256 it must
// have. A model is never used unverified, so the hash is required.
type Fetch struct {
	URL    string
	SHA256 string // hex
}

// Progress is a download's progress, for the app.
type Progress struct {
	Done, Total int64         // bytes; Total 0 while unknown
	Rate        float64       // bytes per second, smoothed
	ETA         time.Duration // -1 while unknown
}

// Download errors. Others (the network, the disk) are wrapped as they
// come.
var (
	ErrNotFound  = errors.New("models: the source has no such file (404)")
	ErrForbidden = errors.New("models: the source refused the download (401/403): it may need a token, or a proxy blocks it")
	ErrChecksum  = errors.New("models: the downloaded file's sha256 does not match")
	ErrStalled   = errors.New("models: the source sent nothing for too long")
	ErrBadFetch  = errors.New("models: bad download request")
)

// Downloader fetches files resumably: in parallel HTTP ranges when the
// server supports them, continuing after a dropped connection or a
// restart from what reached the disk, verifying the sha256 before the
// file takes its name. A partial file is only ever NAME.part beside a
// NAME.part.json that records each range's progress: the worker, which
// sees the cache's model names only, never sees half a file.
type Downloader struct {
	// Client makes the requests; nil: one honouring Proxy.
	Client *http.Client
	// Proxy, when set, carries every request (else $HTTPS_PROXY etc.).
	Proxy *url.URL
	// Parts is how many ranges a large file is fetched in at once
	// (default 4); files under 2×MinPart come in one (default 16 MiB).
	Parts   int
	MinPart int64
	// Attempts bounds the tries per range (default 6) and whole-file
	// retries after a checksum mismatch (2).
	Attempts int
	// Backoff is the first pause between attempts (default 500 ms),
	// doubling up to 30 s.
	Backoff time.Duration
	// Stall: no byte for this long fails the attempt (default 30 s).
	Stall time.Duration
	// Limit, when set, caps the bandwidth (bytes per second; its burst
	// must be at least 64 KiB).
	Limit *rate.Limiter
	// Progress, when set, is called at most every ProgressEvery (default
	// 250 ms) and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
	Log           *slog.Logger
}

func (d *Downloader) defaults() {
	if d.Parts <= 0 {
		d.Parts = 4
	}
	if d.MinPart <= 0 {
		d.MinPart = 16 << 20
	}
	if d.Attempts <= 0 {
		d.Attempts = 6
	}
	if d.Backoff <= 0 {
		d.Backoff = 500 * time.Millisecond
	}
	if d.Stall <= 0 {
		d.Stall = 30 * time.Second
	}
	if d.ProgressEvery <= 0 {
		d.ProgressEvery = 250 * time.Millisecond
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if d.Proxy != nil {
			tr.Proxy = http.ProxyURL(d.Proxy)
		}
		d.Client = &http.Client{Transport: tr}
	}
}

// state is NAME.part.json: what the partial file holds.
type state struct {
	URL    string `json:"url"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`   // -1: unknown (no ranges)
	Ranged bool   `json:"ranged"` // the server serves ranges
	Parts  []part `json:"parts"`
}

// part is [Start, End) of the file, Done bytes of it on disk.
type part struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	Done  int64 `json:"done"`
}

// Download fetches f into dest unless dest exists. It blocks until the
// file is in place, verified, or an error says why not.
func (d *Downloader) Download(ctx context.Context, f Fetch, dest string) error {
	d.defaults()
	if len(f.SHA256) != 64 {
		return fmt.Errorf("%w: sha256 %q is not 64 hex digits", ErrBadFetch, f.SHA256)
	}
	if _, err := hex.DecodeString(f.SHA256); err != nil {
		return fmt.Errorf("%w: sha256 %q is not hex", ErrBadFetch, f.SHA256)
	}
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: %q is not an http(s) URL", ErrBadFetch, f.URL)
	}
	if _, err := os.Stat(dest); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	noRanges := false // the server stopped serving ranges: fetch in one piece
	for round := 1; ; round++ {
		err := d.fetch(ctx, f, dest, noRanges)
		switch {
		case errors.Is(err, errNoRanges) && round < 3:
			d.Log.Warn("model download: the server stopped serving ranges; fetching in one piece", "url", f.URL)
			os.Remove(dest + ".part")
			os.Remove(dest + ".part.json")
			noRanges = true
		case errors.Is(err, ErrChecksum) && round < 2:
			d.Log.Warn("model download: checksum mismatch; fetching again", "url", f.URL)
		default:
			return err
		}
	}
}

// fetch is one round: resume or start, fetch every range, verify, rename.
func (d *Downloader) fetch(ctx context.Context, f Fetch, dest string, noRanges bool) error {
	partPath, statePath := dest+".part", dest+".part.json"
	st, ok := loadState(statePath, f)
	if !ok {
		size, ranged, err := d.probe(ctx, f.URL)
		if err != nil {
			return err
		}
		st = d.plan(f, size, ranged && !noRanges)
		_ = os.Remove(partPath)
	}
	file, err := os.OpenFile(partPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer file.Close()
	if st.Ranged {
		if err := file.Truncate(st.Size); err != nil {
			return err
		}
	}
	if err := saveState(statePath, st); err != nil {
		return err
	}

	var done atomic.Int64
	for _, p := range st.Parts {
		done.Add(p.Done)
	}
	stopProgress := d.report(ctx, &done, st.Size)
	var mu sync.Mutex // guards st
	save := func() error {
		// What is recorded was written before the sync.
		mu.Lock()
		snap := *st
		snap.Parts = append([]part(nil), st.Parts...)
		mu.Unlock()
		if err := file.Sync(); err != nil {
			return err
		}
		return saveState(statePath, &snap)
	}
	g, gctx := errgroup.WithContext(ctx)
	for i := range st.Parts {
		g.Go(func() error { return d.fetchPart(gctx, f.URL, file, st, i, &mu, &done, save) })
	}
	err = g.Wait()
	stopProgress()
	if serr := save(); err == nil {
		err = serr
	}
	if err != nil {
		return err
	}

	// Verify, then take the name.
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	got, err := hashOf(file)
	if err != nil {
		return err
	}
	if !strings.EqualFold(got, f.SHA256) {
		file.Close()
		os.Remove(partPath)
		os.Remove(statePath)
		return fmt.Errorf("%w: got %s, want %s (%s)", ErrChecksum, got, strings.ToLower(f.SHA256), f.URL)
	}
	if err := file.Close(); err != nil {
		return err
	}
	if err := os.Rename(partPath, dest); err != nil {
		return err
	}
	if dir, err := os.Open(filepath.Dir(dest)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return os.Remove(statePath)
}

// hashOf is the hex sha256 of what r reads.
func hashOf(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// plan splits a file into ranges.
func (d *Downloader) plan(f Fetch, size int64, ranged bool) *state {
	st := &state{URL: f.URL, SHA256: strings.ToLower(f.SHA256), Size: size, Ranged: ranged && size > 0}
	if !st.Ranged {
		st.Size = size
		st.Parts = []part{{Start: 0, End: -1}}
		return st
	}
	n := int64(1)
	if size >= 2*d.MinPart {
		n = min(int64(d.Parts), size/d.MinPart)
	}
	step := (size + n - 1) / n
	for s := int64(0); s < size; s += step {
		st.Parts = append(st.Parts, part{Start: s, End: min(s+step, size)})
	}
	return st
}

func loadState(path string, f Fetch) (*state, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var st state
	if json.Unmarshal(b, &st) != nil || st.URL != f.URL || !strings.EqualFold(st.SHA256, f.SHA256) || len(st.Parts) == 0 {
		return nil, false // another file's, or damaged: start over
	}
	for _, p := range st.Parts {
		if p.Done < 0 || (st.Ranged && (p.Start < 0 || p.End > st.Size || p.Start+p.Done > p.End)) {
			return nil, false
		}
	}
	if !st.Ranged {
		st.Parts[0].Done = 0 // without ranges there is no resuming
	}
	return &st, true
}

func saveState(path string, st *state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, 0o644)
}

// probe learns the size and whether ranges work, asking for one byte.
func (d *Downloader) probe(ctx context.Context, u string) (size int64, ranged bool, err error) {
	err = d.retry(ctx, u, func(actx context.Context) error {
		req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Range", "bytes=0-0")
		resp, err := d.Client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1))
		if err := statusErr(resp); err != nil {
			return err
		}
		switch resp.StatusCode {
		case http.StatusPartialContent:
			total, ok := contentRangeTotal(resp.Header.Get("Content-Range"))
			if !ok {
				size, ranged = resp.ContentLength, false
				return nil
			}
			size, ranged = total, true
		default:
			size, ranged = resp.ContentLength, false
		}
		return nil
	})
	return size, ranged, err
}

// contentRangeTotal reads the total of "bytes a-b/total".
func contentRangeTotal(h string) (int64, bool) {
	_, total, ok := strings.Cut(h, "/")
	if !ok || total == "*" {
		return 0, false
	}
	n, err := strconv.ParseInt(total, 10, 64)
	return n, err == nil && n >= 0
}

// contentRangeStart reads a of "bytes a-b/total".
func contentRangeStart(h string) (int64, bool) {
	rest, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return 0, false
	}
	a, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(a, 10, 64)
	return n, err == nil
}

// permanent marks errors not worth another attempt.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

func statusErr(resp *http.Response) error {
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return permanent{fmt.Errorf("%w: %s", ErrNotFound, resp.Request.URL.Redacted())}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return permanent{fmt.Errorf("%w: %s %s", ErrForbidden, resp.Status, resp.Request.URL.Redacted())}
	case resp.StatusCode >= 400:
		return fmt.Errorf("models: %s from %s", resp.Status, resp.Request.URL.Redacted())
	}
	return nil
}

// retry runs f up to Attempts times with a doubling pause, each attempt
// with its own context; permanent errors and ctx's end stop it.
func (d *Downloader) retry(ctx context.Context, what string, f func(context.Context) error) error {
	wait := d.Backoff
	var err error
	for attempt := 1; attempt <= d.Attempts; attempt++ {
		err = f(ctx)
		var p permanent
		if err == nil || errors.As(err, &p) || ctx.Err() != nil {
			if errors.As(err, &p) {
				return p.error
			}
			return err
		}
		d.Log.Info("model download: retrying", "url", what, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
	return err
}

// errNoRanges: a server that served ranges stopped (a 200 to a range
// request); the round starts over in one piece.
var errNoRanges = errors.New("models: the server stopped serving ranges")

// fetchPart fetches part i, saving progress as it goes.
func (d *Downloader) fetchPart(ctx context.Context, u string, file *os.File, st *state, i int, mu *sync.Mutex, done *atomic.Int64, save func() error) error {
	return d.retry(ctx, u, func(ctx context.Context) error {
		mu.Lock()
		p := st.Parts[i]
		mu.Unlock()
		if st.Ranged && p.Start+p.Done >= p.End {
			return nil
		}
		actx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		if st.Ranged {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", p.Start+p.Done, p.End-1))
		}
		resp, err := d.Client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := statusErr(resp); err != nil {
			return err
		}
		off := p.Start + p.Done
		if st.Ranged {
			start, ok := contentRangeStart(resp.Header.Get("Content-Range"))
			if resp.StatusCode != http.StatusPartialContent || !ok || start != off {
				return permanent{errNoRanges}
			}
		} else {
			// Without ranges every attempt starts at the beginning.
			done.Add(-p.Done)
			mu.Lock()
			st.Parts[i].Done = 0
			mu.Unlock()
			off = 0
		}
		stall := time.AfterFunc(d.Stall, func() { cancel(ErrStalled) })
		defer stall.Stop()
		buf := make([]byte, 64<<10)
		sinceSave := int64(0)
		for {
			n, rerr := resp.Body.Read(buf)
			if n > 0 {
				stall.Reset(d.Stall)
				if st.Ranged {
					n = int(min(int64(n), p.End-off)) // never past the part
				}
				if d.Limit != nil {
					if err := d.Limit.WaitN(actx, n); err != nil {
						return err
					}
				}
				if _, err := file.WriteAt(buf[:n], off); err != nil {
					return permanent{err} // the disk: full or failing
				}
				off += int64(n)
				done.Add(int64(n))
				mu.Lock()
				st.Parts[i].Done += int64(n)
				mu.Unlock()
				if sinceSave += int64(n); sinceSave >= 8<<20 {
					sinceSave = 0
					if err := save(); err != nil {
						return permanent{err}
					}
				}
				if st.Ranged && off >= p.End {
					return nil
				}
			}
			if rerr == io.EOF {
				if st.Ranged && off < p.End {
					return fmt.Errorf("models: the range ended early at %d of %d", off, p.End)
				}
				if !st.Ranged {
					mu.Lock()
					st.Size = off
					mu.Unlock()
				}
				return nil
			}
			if rerr != nil {
				if c := context.Cause(actx); errors.Is(c, ErrStalled) {
					return fmt.Errorf("%w (%s)", ErrStalled, d.Stall)
				}
				_ = save()
				return rerr
			}
		}
	})
}

// report calls Progress until the returned stop is called, then once
// more.
func (d *Downloader) report(ctx context.Context, done *atomic.Int64, total int64) (stop func()) {
	if d.Progress == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d.ProgressEvery)
		defer t.Stop()
		last, lastAt, rateEst := done.Load(), time.Now(), 0.0
		emit := func() {
			now, n := time.Now(), done.Load()
			if dt := now.Sub(lastAt).Seconds(); dt > 0 {
				inst := float64(n-last) / dt
				if rateEst == 0 {
					rateEst = inst
				} else {
					rateEst = 0.7*rateEst + 0.3*inst
				}
			}
			last, lastAt = n, now
			p := Progress{Done: n, Total: max(total, 0), Rate: rateEst, ETA: -1}
			if total > 0 && rateEst > 0 {
				p.ETA = time.Duration(float64(total-n) / rateEst * float64(time.Second))
			}
			d.Progress(p)
		}
		for {
			select {
			case <-quit:
				emit()
				return
			case <-ctx.Done():
				return
			case <-t.C:
				emit()
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}
