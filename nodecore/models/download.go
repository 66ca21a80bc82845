package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
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
	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
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
	// ErrTooLarge is a download bigger than its cap: the size the network
	// gives, or for one of unknown size MaxBytes (or the store's quota).
	ErrTooLarge = errors.New("models: the download is larger than allowed")
)

// DefaultMaxBytes caps a download whose size is not known in advance (a
// link's model) unless the owner sets another cap.
const DefaultMaxBytes = 32 << 30

// Downloader fetches files resumably: in parallel HTTP ranges when the
// server supports them, continuing after a dropped connection or a
// restart from what reached the disk, verifying the sha256 before the
// file takes its name. A partial file is only ever NAME.part beside a
// NAME.part.json that records each range's progress: the worker, which
// sees the cache's model names only, never sees half a file.
//
// Every connection goes to a public address over https on every
// redirect (the first URL may be a plain-http mirror the caller's
// Sources accepted); a private, loopback or link-local address is
// refused where it is dialled, after name resolution, unless
// AllowPrivateHosts lists it. Each download reveals this machine's IP
// address to the link's host and every host it redirects to; Proxy
// hides it.
type Downloader struct {
	// Client makes the requests; nil: one honouring Proxy. Its
	// connections and redirects are checked as the Downloader's own are
	// (a dialler it brings is checked once connected; a transport other
	// than *http.Transport only by the hosts its requests name).
	Client *http.Client
	// Proxy, when set, carries every request (else $HTTPS_PROXY etc.):
	// the link's host then sees the proxy's address, not this machine's.
	// The proxy itself may be on this machine or the LAN.
	Proxy *url.URL
	// AllowPrivateHosts are the addresses, refused otherwise, that a
	// download may connect to: the owner's mirror on this machine or the
	// LAN (LoopbackPrefixes for one on this machine). None by default.
	AllowPrivateHosts []netip.Prefix
	// MaxBytes caps a download whose size is not known in advance
	// (default DefaultMaxBytes): the download stops there and its partial
	// file is deleted; a server announcing more is refused at once.
	MaxBytes int64
	// Parts is how many ranges a large file is fetched in at once
	// (default 4, at most maxParts); files under 2×MinPart come in one
	// (default 16 MiB).
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

	once     sync.Once
	hc       *http.Client  // Client (or one of our own) behind the guard
	resolver *net.Resolver // nil: the system's (tests give one)
}

// maxParts bounds the ranges of one file, in a plan and in a saved
// state.
const maxParts = 64

func (d *Downloader) defaults() {
	if d.Parts <= 0 {
		d.Parts = 4
	}
	d.Parts = min(d.Parts, maxParts)
	if d.MinPart <= 0 {
		d.MinPart = 16 << 20
	}
	if d.MaxBytes <= 0 {
		d.MaxBytes = DefaultMaxBytes
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
	d.once.Do(func() { d.hc = guardedClient(d.Client, d.Proxy, newDialGuard(d.AllowPrivateHosts), d.resolver) })
}

// maxBytes is the cap on a download of unknown size.
func (d *Downloader) maxBytes() int64 {
	if d.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return d.MaxBytes
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

// budget bounds one download: at most max bytes (0: the Downloader's
// MaxBytes); room, when set, is asked whether size bytes fit, have of
// them on disk already, once the size is known, and as a download of
// unknown size grows.
type budget struct {
	max  int64
	room func(size, have int64) error
}

// growStep is how far ahead of what is written a download of unknown
// size asks for room.
const growStep = 16 << 20

// discard marks an error after which the partial file is of no use (too
// large, or no room for it): it is deleted.
type discard struct{ error }

func (e discard) Unwrap() error { return e.error }

// Download fetches f into dest unless dest holds it already (a file
// found there is hashed first). It blocks until the file is in place,
// verified, or an error says why not.
func (d *Downloader) Download(ctx context.Context, f Fetch, dest string) error {
	return d.download(ctx, f, dest, budget{})
}

func (d *Downloader) download(ctx context.Context, f Fetch, dest string, b budget) error {
	d.defaults()
	if b.max <= 0 {
		b.max = d.maxBytes()
	}
	if len(f.SHA256) != 64 {
		return fmt.Errorf("%w: sha256 %q is not 64 hex digits", ErrBadFetch, f.SHA256)
	}
	if _, err := hex.DecodeString(f.SHA256); err != nil {
		return fmt.Errorf("%w: sha256 %q is not hex", ErrBadFetch, f.SHA256)
	}
	u, err := url.Parse(f.URL)
	if err != nil {
		return fmt.Errorf("%w: the URL does not parse", ErrBadFetch)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: %q is not an http(s) URL without credentials", ErrBadFetch, u.Redacted())
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	if ok, err := d.present(ctx, f, dest, b.max); ok || err != nil {
		return err
	}
	noRanges := false // the server stopped serving ranges: fetch in one piece
	for round := 1; ; round++ {
		err := d.fetch(ctx, f, dest, noRanges, b)
		var dc discard
		switch {
		case errors.Is(err, errNoRanges) && round < 3:
			d.Log.Warn("model download: the server stopped serving ranges; fetching in one piece", "url", f.URL)
			d.removePartial(dest)
			noRanges = true
		case errors.Is(err, errChanged) && round < 3:
			d.Log.Warn("model download: the file changed on the server; starting over", "url", f.URL)
			d.removePartial(dest)
		case errors.Is(err, ErrChecksum) && round < 2:
			d.Log.Warn("model download: checksum mismatch; fetching again", "url", f.URL)
		case errors.As(err, &dc):
			d.removePartial(dest)
			return dc.error
		default:
			return err
		}
	}
}

func (d *Downloader) removePartial(dest string) {
	os.Remove(dest + ".part")
	os.Remove(dest + ".part.json")
}

// present reports whether dest holds f's file already. A file found
// there is hashed first: one planted there, or left damaged, is never
// taken for the model but removed, to be downloaded.
func (d *Downloader) present(ctx context.Context, f Fetch, dest string, max int64) (bool, error) {
	fi, err := os.Lstat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case fi.IsDir():
		return false, fmt.Errorf("models: %s is a directory, not a model file", dest)
	case fi.Mode().IsRegular() && fi.Size() <= max:
		file, err := os.Open(dest)
		if err != nil {
			return false, err
		}
		got, err := hashOf(ctxReader{ctx, file})
		file.Close()
		if err != nil {
			return false, err
		}
		if strings.EqualFold(got, f.SHA256) {
			return true, nil
		}
	}
	d.Log.Warn("model download: the file at the model's path is not the model; replacing it", "path", dest)
	return false, os.Remove(dest)
}

// fetch is one round: resume or start, fetch every range, verify, rename.
func (d *Downloader) fetch(ctx context.Context, f Fetch, dest string, noRanges bool, b budget) error {
	partPath, statePath := dest+".part", dest+".part.json"
	st, err := loadState(statePath, f, b.max)
	if err == nil && st.Ranged {
		// The state counts bytes in the partial file: it must be there,
		// its size the file's.
		if fi, serr := os.Lstat(partPath); serr != nil || !fi.Mode().IsRegular() || fi.Size() != st.Size {
			err = fmt.Errorf("the partial file is missing or not the size recorded")
		}
	}
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			d.Log.Warn("model download: the saved progress is unusable; starting over", "url", f.URL, "err", err)
		}
		size, ranged, err := d.probe(ctx, f.URL)
		if err != nil {
			return err
		}
		if size > b.max {
			return discard{fmt.Errorf("%w: the source's file is %d bytes, at most %d allowed (%s)", ErrTooLarge, size, b.max, f.URL)}
		}
		if size >= 0 && b.room != nil {
			if err := b.room(size, 0); err != nil {
				return err
			}
		}
		st = d.plan(f, size, ranged && !noRanges)
		if err := os.Remove(partPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	} else if st.Ranged && b.room != nil {
		if err := b.room(st.Size, st.done()); err != nil {
			return err
		}
	}
	if fi, err := os.Lstat(partPath); err == nil && !fi.Mode().IsRegular() {
		if err := os.Remove(partPath); err != nil { // not a file of ours: never written through
			return err
		}
	}
	file, err := os.OpenFile(partPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer file.Close()
	size := st.Size
	if !st.Ranged {
		size = 0 // without ranges every attempt starts at the beginning
	}
	if err := file.Truncate(size); err != nil {
		return err
	}
	if err := saveState(statePath, st); err != nil {
		return err
	}

	x := &transfer{d: d, url: f.URL, file: file, b: b, st: st, statePath: statePath}
	for _, p := range st.Parts {
		x.done.Add(p.Done)
	}
	stopProgress := d.report(ctx, &x.done, st.Size)
	g, gctx := errgroup.WithContext(ctx)
	for i := range st.Parts {
		g.Go(func() error { return x.fetchPart(gctx, i) })
	}
	err = g.Wait()
	stopProgress()
	if serr := x.save(); err == nil {
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

// ctxReader reads until ctx ends (hashing a large file can take a
// while).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
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

// done is the bytes the state says are on disk.
func (st *state) done() int64 {
	var n int64
	for _, p := range st.Parts {
		n += p.Done
	}
	return n
}

// maxStateBytes bounds a state file: a plan of maxParts is a few KiB.
const maxStateBytes = 64 << 10

// loadState reads the state saved for f's download (fs.ErrNotExist
// when there is none).
func loadState(path string, f Fetch, max int64) (*state, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxStateBytes+1))
	if err != nil {
		return nil, err
	}
	return parseState(b, f, max)
}

// parseState checks a saved state against f's download and the cap of
// max bytes: a state that is another file's, damaged, or describes
// anything but ranges that tile the file with what is done of each
// inside them, is refused (the download starts over, never resumes
// into the wrong place).
func parseState(b []byte, f Fetch, max int64) (*state, error) {
	if len(b) > maxStateBytes {
		return nil, fmt.Errorf("%d bytes of state", len(b))
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	if st.URL != f.URL || !strings.EqualFold(st.SHA256, f.SHA256) {
		return nil, errors.New("the state is another file's")
	}
	if n := len(st.Parts); n == 0 || n > maxParts {
		return nil, fmt.Errorf("%d ranges", n)
	}
	if !st.Ranged {
		if p := st.Parts; len(p) != 1 || p[0].Start != 0 || p[0].End != -1 || st.Size < -1 || st.Size > max {
			return nil, errors.New("a download in one piece with ranges or a bad size")
		}
		st.Parts[0].Done = 0 // without ranges there is no resuming
		return &st, nil
	}
	if st.Size <= 0 || st.Size > max {
		return nil, fmt.Errorf("a size of %d bytes (at most %d)", st.Size, max)
	}
	next := int64(0)
	for i, p := range st.Parts {
		// Each range starts where the last ended, ends after it starts
		// and inside the file; what is done of it fits in it. (Every
		// value is then within [0, Size]: no sum overflows.)
		if p.Start != next || p.End <= p.Start || p.End > st.Size || p.Done < 0 || p.Done > p.End-p.Start {
			return nil, fmt.Errorf("range %d is [%d, %d) with %d done, in a file of %d bytes", i, p.Start, p.End, p.Done, st.Size)
		}
		next = p.End
	}
	if next != st.Size {
		return nil, fmt.Errorf("the ranges end at %d of %d bytes", next, st.Size)
	}
	return &st, nil
}

func saveState(path string, st *state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, 0o644)
}

// probe learns the size (-1: unknown) and whether ranges work, asking
// for one byte.
func (d *Downloader) probe(ctx context.Context, u string) (size int64, ranged bool, err error) {
	err = d.retry(ctx, u, func(actx context.Context) error {
		req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Range", "bytes=0-0")
		resp, err := d.hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1))
		if resp.StatusCode == http.StatusRequestedRangeNotSatisfiable {
			size, ranged = -1, false // an empty file has no byte 0: fetched whole
			return nil
		}
		if err := statusErr(resp); err != nil {
			return err
		}
		size, ranged = resp.ContentLength, false
		if resp.StatusCode == http.StatusPartialContent {
			size = -1 // the part's length, not the file's
			if first, _, total, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && first == 0 && total > 0 {
				size, ranged = total, true
			}
		}
		return nil
	})
	return size, ranged, err
}

// maxContentRange bounds a Content-Range header: "bytes " and three
// numbers of at most 19 digits.
const maxContentRange = 80

// parseContentRange reads a Content-Range of bytes, "bytes FIRST-LAST/
// COMPLETE" (COMPLETE "*" when the server does not say: -1), checking
// that first <= last < complete; numbers are decimal digits only, no
// sign, within int64.
func parseContentRange(h string) (first, last, complete int64, ok bool) {
	if len(h) > maxContentRange {
		return 0, 0, 0, false
	}
	unit, rest, found := strings.Cut(strings.TrimSpace(h), " ")
	if !found || !strings.EqualFold(unit, "bytes") {
		return 0, 0, 0, false
	}
	rng, total, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	a, z, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false
	}
	var okA, okZ, okT bool
	first, okA = decimal(a)
	last, okZ = decimal(z)
	if !okA || !okZ || first > last {
		return 0, 0, 0, false
	}
	if total == "*" {
		return first, last, -1, true
	}
	if complete, okT = decimal(total); !okT || last >= complete {
		return 0, 0, 0, false
	}
	return first, last, complete, true
}

// decimal reads a non-negative decimal of digits only.
func decimal(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// permanent marks errors not worth another attempt.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// isPermanent reports whether err is not worth another attempt: marked
// so, or a refusal that would be the same next time.
func isPermanent(err error) bool {
	var p permanent
	var dc discard
	return errors.As(err, &p) || errors.As(err, &dc) || errors.Is(err, ErrPrivateAddress) || errors.Is(err, ErrInsecureRedirect) ||
		errors.Is(err, ErrTooManyRedirects) || errors.Is(err, ErrTooLarge)
}

func statusErr(resp *http.Response) error {
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return permanent{fmt.Errorf("%w: %s", ErrNotFound, resp.Request.URL.Redacted())}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return permanent{fmt.Errorf("%w: %s %s", ErrForbidden, resp.Status, resp.Request.URL.Redacted())}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return permanent{fmt.Errorf("%w: %s for a range of it", errChanged, resp.Status)}
	case resp.StatusCode >= 400:
		return fmt.Errorf("models: %s from %s", resp.Status, resp.Request.URL.Redacted())
	}
	return nil
}

// retry runs f up to Attempts times with a doubling pause, each attempt
// with its own context; permanent errors and ctx's end stop it.
func (d *Downloader) retry(ctx context.Context, what string, f func(context.Context) error) error {
	delays := backoff.New(d.Backoff, 30*time.Second)
	var err error
	for attempt := 1; attempt <= d.Attempts; attempt++ {
		err = f(ctx)
		if err == nil || isPermanent(err) || ctx.Err() != nil {
			if p, ok := err.(permanent); ok {
				return p.error
			}
			return err
		}
		d.Log.Info("model download: retrying", "url", what, "attempt", attempt, "err", err)
		if !delays.Sleep(ctx) {
			return ctx.Err()
		}
	}
	return err
}

// errNoRanges: a server that served ranges stopped (a 200 to a range
// request); the round starts over in one piece. errChanged: the server's
// file is not the one the state describes (another size, a range it
// cannot serve); the round starts over.
var (
	errNoRanges = errors.New("models: the server stopped serving ranges")
	errChanged  = errors.New("models: the file on the server changed")
)

// transfer is one round's fetching of the ranges into the partial file.
type transfer struct {
	d         *Downloader
	url       string
	file      *os.File
	b         budget
	statePath string
	done      atomic.Int64 // bytes on disk, for progress

	mu sync.Mutex // guards st
	st *state
}

// save records the progress: what is recorded was written before the
// sync.
func (x *transfer) save() error {
	x.mu.Lock()
	snap := *x.st
	snap.Parts = append([]part(nil), x.st.Parts...)
	x.mu.Unlock()
	if err := x.file.Sync(); err != nil {
		return err
	}
	return saveState(x.statePath, &snap)
}

// fetchPart fetches part i, saving progress as it goes.
func (x *transfer) fetchPart(ctx context.Context, i int) error {
	d, st := x.d, x.st
	return d.retry(ctx, x.url, func(ctx context.Context) error {
		x.mu.Lock()
		p := st.Parts[i]
		x.mu.Unlock()
		if st.Ranged && p.Start+p.Done >= p.End {
			return nil
		}
		actx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		req, err := http.NewRequestWithContext(actx, http.MethodGet, x.url, nil)
		if err != nil {
			return err
		}
		if st.Ranged {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", p.Start+p.Done, p.End-1))
		}
		resp, err := d.hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := statusErr(resp); err != nil {
			return err
		}
		off := p.Start + p.Done
		grow := int64(-1) // unknown size: where room is next asked for (-1: not needed)
		if st.Ranged {
			first, _, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
			switch {
			case resp.StatusCode != http.StatusPartialContent || !ok || first != off:
				return permanent{errNoRanges}
			case total != st.Size:
				return permanent{fmt.Errorf("%w: it is %d bytes, not %d", errChanged, total, st.Size)}
			}
		} else {
			// Without ranges every attempt starts at the beginning.
			x.done.Add(-p.Done)
			x.mu.Lock()
			st.Parts[i].Done = 0
			x.mu.Unlock()
			off = 0
			if err := x.file.Truncate(0); err != nil {
				return permanent{err}
			}
			switch n := resp.ContentLength; {
			case n > x.b.max:
				return permanent{discard{fmt.Errorf("%w: the source sends %d bytes, at most %d allowed (%s)", ErrTooLarge, n, x.b.max, x.url)}}
			case n >= 0 && x.b.room != nil:
				if err := x.b.room(n, 0); err != nil {
					return permanent{discard{err}}
				}
			case n < 0 && x.b.room != nil:
				grow = 0
			}
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
				} else {
					if off+int64(n) > x.b.max {
						return permanent{discard{fmt.Errorf("%w: the source sent more than %d bytes (%s)", ErrTooLarge, x.b.max, x.url)}}
					}
					if grow >= 0 && off+int64(n) > grow {
						grow = min(off+growStep, x.b.max)
						if err := x.b.room(grow, off); err != nil {
							return permanent{discard{err}}
						}
					}
				}
				if d.Limit != nil {
					if err := d.Limit.WaitN(actx, n); err != nil {
						return err
					}
				}
				if _, err := x.file.WriteAt(buf[:n], off); err != nil {
					return permanent{err} // the disk: full or failing
				}
				off += int64(n)
				x.done.Add(int64(n))
				x.mu.Lock()
				st.Parts[i].Done += int64(n)
				x.mu.Unlock()
				if sinceSave += int64(n); sinceSave >= 8<<20 {
					sinceSave = 0
					if err := x.save(); err != nil {
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
					x.mu.Lock()
					st.Size = off
					x.mu.Unlock()
				}
				return nil
			}
			if rerr != nil {
				if c := context.Cause(actx); errors.Is(c, ErrStalled) {
					return fmt.Errorf("%w (%s)", ErrStalled, d.Stall)
				}
				_ = x.save()
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
