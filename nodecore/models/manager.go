package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// DownloadSettings are the owner's download settings, read as each
// download starts.
type DownloadSettings struct {
	// Proxy carries every download; nil: the environment's ($HTTPS_PROXY
	// …), if any. Without a proxy every download connects from this
	// machine, so the host of a model's link (which the task's author
	// chose) and every host it redirects to learn the node's IP address;
	// through a proxy they see the proxy's. The proxy may be on this
	// machine or the LAN.
	Proxy      *url.URL
	HFEndpoint string  // "": Hugging Face
	Limit      float64 // bytes per second for all downloads together; 0: none
	// AllowPrivateHosts are the private, loopback or link-local addresses
	// downloads may connect to: the owner's mirror (LoopbackPrefixes for
	// one on this machine, such as a devnet's). None by default: a
	// link, catalog source or redirect leading there is refused
	// (ErrPrivateAddress).
	AllowPrivateHosts []netip.Prefix
	// MaxBytes caps a download whose size the network does not give (a
	// link's model); 0: DefaultMaxBytes. The store's quota, when
	// smaller, caps it too.
	MaxBytes int64
}

// Download states.
const (
	DownloadQueued  = "queued"
	DownloadRunning = "downloading"
	DownloadDone    = "done"
	DownloadFailed  = "failed"
)

// DownloadStatus is one download as the app shows it.
type DownloadStatus struct {
	ID    string
	State string
	Progress
	Err            string // why it failed
	Failure        error  // the same, to test with errors.Is (ErrNotFound, ErrChecksum, …)
	Started, Ended time.Time
}

// Manager brings models into the store: one download per model however
// many ask for it, at most Concurrent at once, all under one bandwidth
// limit, with their progress for the app. A model fetched is pinned (the
// network asked for it, or a task needs it) until Unpin.
type Manager struct {
	Store   *Store
	Catalog *Catalog
	// Settings, when set, gives the owner's download settings.
	Settings func() DownloadSettings
	// Client, when set, makes the requests (the proxy setting is then the
	// client's business; its connections are checked all the same).
	Client     *http.Client
	Concurrent int // default 2
	Log        *slog.Logger
	// Tune, when set, adjusts each download's Downloader (tests).
	Tune func(*Downloader)

	pendMu  sync.Mutex // guards the pending file
	mu      sync.Mutex
	active  map[string]*job
	recent  []DownloadStatus // ended, newest first
	limiter *rate.Limiter
	sem     chan struct{}
	changes watch.Hub[struct{}] // a tick as downloads start, progress and end
}

type job struct {
	status DownloadStatus
	done   chan struct{}
	err    error
}

// maxRecent is how many ended downloads the manager remembers.
const maxRecent = 8

func (m *Manager) init() {
	if m.active == nil {
		m.active = map[string]*job{}
		if m.Concurrent <= 0 {
			m.Concurrent = 2
		}
		m.sem = make(chan struct{}, m.Concurrent)
		if m.Log == nil {
			m.Log = slog.New(slog.DiscardHandler)
		}
	}
}

// Held lists the models the store holds, the most recently used first.
func (m *Manager) Held() []string {
	var out []string
	for _, e := range m.Store.List() {
		out = append(out, e.ID)
	}
	return out
}

// Has reports whether the store holds model id.
func (m *Manager) Has(id string) bool {
	pid, err := ParseID(id)
	return err == nil && m.Store.Has(pid)
}

// Fetch makes sure the store holds model id, downloading it if needed,
// and pins it. Callers asking for a model already on its way wait for
// that download; if it ends because its caller gave up, the next starts
// it again.
func (m *Manager) Fetch(ctx context.Context, id string) error {
	pid, err := ParseID(id)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.init()
	m.mu.Unlock()
	m.Store.Pin(pid)
	for {
		if m.Store.Has(pid) {
			if err := m.verify(pid); err == nil || !errors.Is(err, ErrChecksum) || m.Store.Has(pid) {
				return err // (a corrupt model a task is using stays until it ends)
			}
			continue // removed as corrupt: download it
		}
		m.mu.Lock()
		m.init()
		j, waiting := m.active[id]
		if !waiting {
			j = &job{status: DownloadStatus{ID: id, State: DownloadQueued, Started: time.Now(), Progress: Progress{ETA: -1}}, done: make(chan struct{})}
			m.active[id] = j
		}
		m.mu.Unlock()
		if !waiting {
			m.changed()
			m.setPending(id, true)
			err := m.run(ctx, pid, j)
			if err == nil || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				m.setPending(id, false) // done, or failed for good: not resumed
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-j.done:
		}
		if j.err == nil || !errors.Is(j.err, context.Canceled) && !errors.Is(j.err, context.DeadlineExceeded) {
			return j.err
		}
	}
}

// Pending lists the models whose download was cut short (the daemon
// stopped, or its caller gave up): resume them with Fetch.
func (m *Manager) Pending() []string {
	m.mu.Lock()
	m.init()
	m.mu.Unlock()
	m.pendMu.Lock()
	defer m.pendMu.Unlock()
	return m.loadPending()
}

func (m *Manager) loadPending() []string {
	var ids []string
	b, err := os.ReadFile(filepath.Join(m.Store.Dir(), pendingFile))
	if err != nil {
		return nil
	}
	if err := json.Unmarshal(b, &ids); err != nil {
		m.Log.Warn("model downloads: the list of pending downloads is damaged; dropping it", "err", err)
		return nil
	}
	return slices.DeleteFunc(ids, func(id string) bool { _, err := ParseID(id); return err != nil })
}

// setPending adds id to, or removes it from, the pending downloads
// kept beside the store's index.
func (m *Manager) setPending(id string, on bool) {
	m.pendMu.Lock()
	defer m.pendMu.Unlock()
	ids := m.loadPending()
	if slices.Contains(ids, id) == on {
		return
	}
	if on {
		ids = append(ids, id)
	} else {
		ids = slices.DeleteFunc(ids, func(x string) bool { return x == id })
	}
	b, _ := json.Marshal(ids)
	if err := atomicfile.Write(filepath.Join(m.Store.Dir(), pendingFile), b, 0o644); err != nil {
		m.Log.Warn("model downloads: saving the pending downloads failed", "err", err)
	}
}

// verify checks, once, a model the store holds without having checked it
// (a file found in the cache) against the sha256 the network gives.
func (m *Manager) verify(id ID) error {
	if m.Store.Verified(id) {
		return nil
	}
	f, _, err := m.Catalog.Fetch(id, Sources{})
	if err != nil {
		return nil // the network does not say: used as found
	}
	m.Log.Info("checking a model found in the cache", "model", id.String())
	return m.Store.Verify(id, f.SHA256)
}

// Unpin lets model id be evicted again.
func (m *Manager) Unpin(id string) {
	if pid, err := ParseID(id); err == nil {
		m.Store.Unpin(pid)
	}
}

// Use marks model id in use until release.
func (m *Manager) Use(id string) (release func(), err error) {
	pid, err := ParseID(id)
	if err != nil {
		return nil, err
	}
	return m.Store.Acquire(pid)
}

func (m *Manager) run(ctx context.Context, id ID, j *job) (err error) {
	defer func() {
		m.mu.Lock()
		j.err = err
		j.status.Ended = time.Now()
		j.status.State = DownloadDone
		if err != nil {
			j.status.State, j.status.Err, j.status.Failure = DownloadFailed, err.Error(), err
		}
		delete(m.active, j.status.ID)
		m.recent = append([]DownloadStatus{j.status}, m.recent...)
		if len(m.recent) > maxRecent {
			m.recent = m.recent[:maxRecent]
		}
		m.mu.Unlock()
		close(j.done)
		m.changed()
	}()
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-m.sem }()
	var st DownloadSettings
	if m.Settings != nil {
		st = m.Settings()
	}
	f, size, err := m.Catalog.Fetch(id, Sources{HFEndpoint: st.HFEndpoint})
	if err != nil {
		return err
	}
	m.update(j, func(s *DownloadStatus) { s.State, s.Total = DownloadRunning, size })
	d := &Downloader{Client: m.Client, Proxy: st.Proxy, AllowPrivateHosts: st.AllowPrivateHosts, MaxBytes: st.MaxBytes, Limit: m.limit(st.Limit), Log: m.Log,
		Progress: func(p Progress) { m.update(j, func(s *DownloadStatus) { s.Progress = p }) }}
	if m.Tune != nil {
		m.Tune(d)
	}
	began := time.Now()
	m.Log.Info("downloading a model", "model", id.String(), "bytes", size)
	if err := m.Store.Install(ctx, d, id, f, size); err != nil {
		m.Log.Warn("a model download failed", "model", id.String(), "err", err)
		return fmt.Errorf("downloading %s: %w", id, err)
	}
	m.Log.Info("model downloaded", "model", id.String(), "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// limit returns the limiter all downloads share, set to bps (no limit
// for 0): a change applies to the downloads under way too.
func (m *Manager) limit(bps float64) *rate.Limiter {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := rate.Inf
	if bps > 0 {
		l = rate.Limit(bps)
	}
	if m.limiter == nil {
		m.limiter = rate.NewLimiter(l, 64<<10)
	}
	m.limiter.SetLimit(l)
	return m.limiter
}

// SettingsChanged applies a new bandwidth limit to the downloads under
// way (a proxy or mirror applies from the next download).
func (m *Manager) SettingsChanged() {
	if m.Settings != nil {
		m.limit(m.Settings().Limit)
	}
}

func (m *Manager) update(j *job, f func(*DownloadStatus)) {
	m.mu.Lock()
	f(&j.status)
	m.mu.Unlock()
	m.changed()
}

func (m *Manager) changed() { m.changes.Publish(struct{}{}) }

// Watch returns a channel that ticks as downloads start, progress and
// end (read Downloads then), until ctx ends.
func (m *Manager) Watch(ctx context.Context) <-chan struct{} { return m.changes.Subscribe(ctx) }

// Downloads lists the downloads under way (oldest first), then the last
// ones that ended (newest first).
func (m *Manager) Downloads() []DownloadStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []DownloadStatus
	for _, j := range m.active {
		out = append(out, j.status)
	}
	slices.SortFunc(out, func(a, b DownloadStatus) int { return a.Started.Compare(b.Started) })
	return append(out, m.recent...)
}
