package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
)

// Store is the node's model cache: the files the worker mounts read-only
// (Path), what is known of each (size, sha256, last use), a quota kept by
// evicting the least recently used models, never one a task is using
// (Acquire) or one the network just told the node to hold (Pin).
type Store struct {
	dir   string
	quota func() int64 // bytes; 0 or less: no quota
	log   *slog.Logger
	// OnRemoved, when set, is told each model the store removes (evicted
	// or found corrupt), to report to the chain.
	OnRemoved func(id string, why string)
	Now       func() time.Time
	// FreeSpace says how much space is free on the disk holding a path
	// (datadir.Free; tests replace it).
	FreeSpace func(path string) (free, total uint64, err error)

	mu     sync.Mutex // guards the fields below and the index file
	index  map[string]*Record
	inUse  map[string]int
	pinned map[string]bool
}

// Record is what the store knows of a model it holds.
type Record struct {
	ID       string    `json:"id"`
	Bytes    int64     `json:"bytes"`
	SHA256   string    `json:"sha256"`
	Added    time.Time `json:"added"`
	LastUsed time.Time `json:"lastUsed"`
	// ModTime is the file's when it was last verified: a scan re-checks a
	// file changed since.
	ModTime time.Time `json:"modTime,omitzero"`
}

// Entry is a model as the store lists it.
type Entry struct {
	Record
	InUse, Pinned bool
}

// indexFile is the store's index in its directory; pendingFile the
// model manager's list of downloads to resume.
const (
	indexFile   = ".hydrogen-models.json"
	pendingFile = ".hydrogen-pending.json"
)

// ErrInUse is a model a task is using.
var ErrInUse = errors.New("models: a task is using the model")

// ErrQuota is a model that cannot fit: everything left is in use or held.
var ErrQuota = errors.New("models: not enough room under the storage quota")

// ErrDiskFull is a model the disk has no room for, whatever the quota.
var ErrDiskFull = errors.New("models: not enough free disk space")

// Open opens (creating) the store at dir and scans it (Scan).
func Open(dir string, quota func() int64, log *slog.Logger) (*Store, ScanReport, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if quota == nil {
		quota = func() int64 { return 0 }
	}
	s := &Store{dir: dir, quota: quota, log: log, Now: time.Now, FreeSpace: datadir.Free, index: map[string]*Record{}, inUse: map[string]int{}, pinned: map[string]bool{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, ScanReport{}, err
	}
	b, err := os.ReadFile(filepath.Join(dir, indexFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, ScanReport{}, err
	default:
		var recs []*Record
		if err := json.Unmarshal(b, &recs); err != nil {
			log.Warn("model store: the index is damaged; rebuilding it from the files", "err", err)
		}
		for _, r := range recs {
			if _, err := ParseID(r.ID); err == nil {
				s.index[r.ID] = r
			}
		}
	}
	rep, err := s.Scan()
	return s, rep, err
}

// Dir is the cache's root, mounted read-only by the worker.
func (s *Store) Dir() string { return s.dir }

// Path is where model id's file lives.
func (s *Store) Path(id ID) string { return filepath.Join(s.dir, filepath.FromSlash(id.Path())) }

// ScanReport says what a scan found and repaired.
type ScanReport struct {
	Models    int      // held and indexed
	Partial   []string // partial downloads kept to resume (NAME.part with its state)
	Removed   []string // broken leftovers and corrupt models removed
	Adopted   []string // model files found without a record (kept; verified when next fetched)
	Forgotten []string // records whose file is gone
	Verified  []string // models whose file changed since their check, hashed again and intact
}

// Scan reconciles the index with the files: a partial download without
// its state (or state without data) is removed, a model whose size
// differs from its record is removed as corrupt, files of the cache's
// layout without a record are adopted, records without a file dropped.
func (s *Store) Scan() (ScanReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rep ScanReport
	seen := map[string]bool{}
	byPath := map[string]string{} // a record's file → its ID
	for key := range s.index {
		id, _ := ParseID(key)
		byPath[id.Path()] = key
	}
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || p == filepath.Join(s.dir, indexFile) || p == filepath.Join(s.dir, pendingFile) {
			return nil
		}
		rel, _ := filepath.Rel(s.dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".part.json"):
			if _, err := os.Stat(strings.TrimSuffix(p, ".json")); err != nil {
				rep.Removed = append(rep.Removed, rel)
				return os.Remove(p)
			}
			return nil
		case strings.HasSuffix(rel, ".part"):
			if _, err := os.Stat(p + ".json"); err != nil {
				rep.Removed = append(rep.Removed, rel)
				return os.Remove(p)
			}
			rep.Partial = append(rep.Partial, rel)
			return nil
		case strings.HasPrefix(d.Name(), "."): // an interrupted atomic write's temporary file
			rep.Removed = append(rep.Removed, rel)
			return os.Remove(p)
		}
		key, ok := byPath[rel]
		if !ok {
			id, err := FromPath(rel)
			if err != nil {
				return nil // not ours (or a link's model without its record): left alone
			}
			key = id.String()
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		seen[key] = true
		r, ok := s.index[key]
		switch {
		case !ok:
			s.index[key] = &Record{ID: key, Bytes: info.Size(), Added: info.ModTime(), LastUsed: info.ModTime()}
			rep.Adopted = append(rep.Adopted, key)
		case r.Bytes != info.Size():
			s.log.Warn("model store: a model's size changed; removing it as corrupt", "model", key, "want", r.Bytes, "have", info.Size())
			delete(s.index, key)
			delete(seen, key)
			rep.Removed = append(rep.Removed, rel)
			s.removed(key, "corrupt")
			return os.Remove(p)
		case r.SHA256 != "" && !r.ModTime.IsZero() && !info.ModTime().Equal(r.ModTime):
			// Written to since it was verified: hash it again.
			got, err := hashFile(p)
			if err != nil {
				return err
			}
			if got != r.SHA256 {
				s.log.Warn("model store: a model's file changed; removing it as corrupt", "model", key)
				delete(s.index, key)
				delete(seen, key)
				rep.Removed = append(rep.Removed, rel)
				s.removed(key, "corrupt")
				return os.Remove(p)
			}
			r.ModTime = info.ModTime()
			rep.Verified = append(rep.Verified, key)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for key := range s.index {
		if !seen[key] {
			delete(s.index, key)
			rep.Forgotten = append(rep.Forgotten, key)
		}
	}
	rep.Models = len(s.index)
	slices.Sort(rep.Adopted)
	slices.Sort(rep.Forgotten)
	return rep, s.saveLocked()
}

func (s *Store) removed(id, why string) {
	if s.OnRemoved != nil {
		s.OnRemoved(id, why)
	}
}

func (s *Store) saveLocked() error {
	recs := make([]*Record, 0, len(s.index))
	for _, r := range s.index {
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b *Record) int { return strings.Compare(a.ID, b.ID) })
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(s.dir, indexFile), b, 0o644)
}

// Has reports whether the store holds model id.
func (s *Store) Has(id ID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.index[id.String()]
	return ok
}

// Acquire marks id in use (never evicted) until release is called, and
// records the use.
func (s *Store) Acquire(id ID) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := id.String()
	r, ok := s.index[key]
	if !ok {
		return nil, fmt.Errorf("models: %s is not in the store", key)
	}
	r.LastUsed = s.Now()
	s.inUse[key]++
	_ = s.saveLocked()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.inUse[key]--; s.inUse[key] <= 0 {
				delete(s.inUse, key)
			}
		})
	}, nil
}

// Pin keeps id from eviction (the network told the node to hold it);
// Unpin lets it go again.
func (s *Store) Pin(id ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pinned[id.String()] = true
}

// Unpin ends Pin.
func (s *Store) Unpin(id ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pinned, id.String())
}

// List returns the models held, most recently used first.
func (s *Store) List() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Entry, 0, len(s.index))
	for k, r := range s.index {
		out = append(out, Entry{Record: *r, InUse: s.inUse[k] > 0, Pinned: s.pinned[k]})
	}
	slices.SortFunc(out, func(a, b Entry) int { return b.LastUsed.Compare(a.LastUsed) })
	return out
}

// Used is the bytes the models take.
func (s *Store) Used() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usedLocked()
}

func (s *Store) usedLocked() int64 {
	var n int64
	for _, r := range s.index {
		n += r.Bytes
	}
	return n
}

// couldFit reports (as MakeRoom would, ErrQuota) whether need more
// bytes fit the quota once every model not in use or pinned is evicted,
// evicting nothing.
func (s *Store) couldFit(need int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	quota := s.quota()
	if quota <= 0 {
		return nil
	}
	if need > quota {
		return fmt.Errorf("%w: %d bytes is more than the whole quota (%d)", ErrQuota, need, quota)
	}
	used := s.usedLocked()
	for k, r := range s.index {
		if s.inUse[k] == 0 && !s.pinned[k] {
			used -= r.Bytes
		}
	}
	if used+need > quota {
		return fmt.Errorf("%w: %d bytes needed, %d in use or held", ErrQuota, need, used)
	}
	return nil
}

// MakeRoom evicts the least recently used models that are neither in use
// nor pinned until need more bytes fit under the quota. It returns what
// it removed; ErrQuota when it cannot make enough room.
func (s *Store) MakeRoom(need int64) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	quota := s.quota()
	if quota <= 0 {
		return nil, nil
	}
	if need > quota {
		return nil, fmt.Errorf("%w: %d bytes is more than the whole quota (%d)", ErrQuota, need, quota)
	}
	var candidates []*Record
	for k, r := range s.index {
		if s.inUse[k] == 0 && !s.pinned[k] {
			candidates = append(candidates, r)
		}
	}
	slices.SortFunc(candidates, func(a, b *Record) int { return a.LastUsed.Compare(b.LastUsed) })
	used := s.usedLocked()
	var free int64
	for _, r := range candidates {
		free += r.Bytes
	}
	if used+need-free > quota {
		return nil, fmt.Errorf("%w: %d bytes needed, %d in use or held", ErrQuota, need, used-free)
	}
	var removed []string
	for _, r := range candidates {
		if used+need <= quota {
			break
		}
		id, _ := ParseID(r.ID)
		if err := os.Remove(s.Path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		delete(s.index, r.ID)
		used -= r.Bytes
		removed = append(removed, r.ID)
		s.log.Info("model store: evicted", "model", r.ID, "bytes", r.Bytes)
		s.removed(r.ID, "evicted")
	}
	if len(removed) == 0 {
		return nil, nil // nothing changed (a growing download asks often)
	}
	return removed, s.saveLocked()
}

// Install downloads model id from f, verified, then records it; a
// no-op when the store holds it already. A size, when known, makes room
// first and caps the download; a download of unknown size (a link's
// model) is capped at the Downloader's MaxBytes or the quota, whichever
// is smaller, and makes room (quota and free disk) as it learns its size
// or, never learning it, as it grows.
func (s *Store) Install(ctx context.Context, d *Downloader, id ID, f Fetch, size int64) error {
	if s.Has(id) {
		return nil
	}
	p := s.Path(id)
	b := budget{max: size, room: func(n, have int64) error {
		if _, err := s.MakeRoom(n); err != nil {
			return err
		}
		return s.checkFree(n - have)
	}}
	if size > 0 {
		if _, err := s.MakeRoom(size); err != nil {
			return err
		}
		if err := s.checkDisk(p, size); err != nil {
			return err
		}
	} else {
		b.max = d.maxBytes()
		if q := s.quota(); q > 0 && q < b.max {
			b.max = q
		}
		// Bytes of a model nobody vouches for evict nothing while they
		// arrive: a link streaming junk up to the quota would otherwise
		// wipe the cache before its hash fails. It may grow into what
		// eviction could free; the eviction happens once it verified.
		b.room = func(n, have int64) error {
			if err := s.couldFit(n); err != nil {
				return err
			}
			return s.checkFree(n - have)
		}
	}
	if err := d.download(ctx, f, p, b); err != nil {
		return err
	}
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	s.mu.Lock()
	now := s.Now()
	s.index[id.String()] = &Record{ID: id.String(), Bytes: info.Size(), SHA256: strings.ToLower(f.SHA256), Added: now, LastUsed: now, ModTime: info.ModTime()}
	err = s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if size <= 0 {
		// Learnt only now: trim others to fit (this one is just added
		// and the most recently used).
		_, err = s.MakeRoom(0)
	}
	return err
}

// Verified reports whether the store has checked model id's sha256 (a
// model it downloaded, or one it adopted and Verify checked).
func (s *Store) Verified(id ID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.index[id.String()]
	return ok && r.SHA256 != ""
}

// Verify hashes model id's file: when it has sha256 the record says so
// from now on; when not, the model is removed as corrupt (reported) and
// ErrChecksum returned. A model in use is not touched.
func (s *Store) Verify(id ID, sha256 string) error {
	p := s.Path(id)
	got, err := hashFile(p)
	if err != nil {
		return err
	}
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := id.String()
	r, ok := s.index[key]
	if !ok {
		return fmt.Errorf("models: %s is not in the store: %w", key, fs.ErrNotExist)
	}
	if got == strings.ToLower(sha256) {
		r.SHA256, r.ModTime = got, info.ModTime()
		return s.saveLocked()
	}
	if s.inUse[key] > 0 {
		return fmt.Errorf("%w: %s (in use; left until the task ends)", ErrChecksum, key)
	}
	s.log.Warn("model store: a model's sha256 is not the network's; removing it", "model", key)
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	delete(s.index, key)
	s.removed(key, "corrupt")
	if err := s.saveLocked(); err != nil {
		return err
	}
	return fmt.Errorf("%w: %s has %s, want %s", ErrChecksum, key, got, strings.ToLower(sha256))
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return hashOf(f)
}

// DiskReserve is the free space a download leaves on the disk.
const DiskReserve = 1 << 30

// checkDisk refuses a download of size bytes to p that would leave less
// than DiskReserve free (what a partial download holds already counts).
func (s *Store) checkDisk(p string, size int64) error {
	need := size
	if fi, err := os.Stat(p + ".part"); err == nil {
		need -= fi.Size()
	}
	return s.checkFree(need)
}

// checkFree refuses to write need more bytes where that would leave less
// than DiskReserve free.
func (s *Store) checkFree(need int64) error {
	if need <= 0 {
		return nil
	}
	free, _, err := s.FreeSpace(s.dir)
	if err != nil {
		return nil // unknown: the download finds out
	}
	if free < uint64(need)+DiskReserve {
		return fmt.Errorf("%w: %d MiB needed and 1 GiB kept free, %d MiB free", ErrDiskFull, (need+(1<<20-1))>>20, free>>20)
	}
	return nil
}

// Remove deletes a model the owner chose to delete; one in use is
// refused.
func (s *Store) Remove(id ID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := id.String()
	if s.inUse[key] > 0 {
		return fmt.Errorf("%w: %s", ErrInUse, key)
	}
	if _, ok := s.index[key]; !ok {
		return fmt.Errorf("models: %s is not in the store: %w", key, fs.ErrNotExist)
	}
	if err := os.Remove(s.Path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	delete(s.index, key)
	s.removed(key, "deleted by the owner")
	return s.saveLocked()
}
