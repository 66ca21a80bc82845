// Package idle measures whether the owner is at the computer, from the
// owner's own session (a system service cannot see the user's input):
// keyboard and mouse idle time, controller input, full-screen and
// "don't disturb" state, and screensaver inhibitors (video players). Each
// platform's sources are small build-tagged files behind Source; a
// Watcher samples them all into one Presence.
package idle

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"
)

// Unknown marks a duration no source measured.
const Unknown = time.Duration(math.MaxInt64)

// Presence is one sample of the owner's signs of life.
type Presence struct {
	At time.Time
	// Idle is the time since the last keyboard or mouse input (the
	// least any input source reports); Unknown when none could say.
	Idle time.Duration
	// ControllerIdle is the time since the last gamepad input; Unknown
	// when no controller was seen since the watcher started.
	ControllerIdle time.Duration
	// FullScreen: a full-screen application (a game, a film), a
	// presentation, or the OS's busy / do-not-disturb state.
	FullScreen bool
	// Inhibited: something inhibits the screensaver or idleness, as
	// video players do; Inhibitors names them where the OS says.
	Inhibited  bool
	Inhibitors []string
	// Sources are the sources that answered; Errors why others did not.
	Sources []string
	Errors  []string
}

// Live reports whether any input source measured idle time.
func (p Presence) Live() bool { return p.Idle != Unknown }

// Source is one way of measuring presence.
type Source interface {
	Name() string
	// Sample adds what the source knows to p. An error means it knows
	// nothing now; the watcher notes it and asks again next time.
	Sample(now time.Time, p *Presence) error
	Close() error
}

// ErrUnavailable means a source cannot work in this session (no X
// display, no D-Bus service): the watcher drops it.
var ErrUnavailable = errors.New("idle: source unavailable in this session")

// Watcher samples its sources into Presence snapshots.
type Watcher struct {
	Sources []Source
	Now     func() time.Time

	mu      sync.Mutex // guards dropped
	dropped map[string]bool
}

// NewWatcher returns a watcher over sources (DefaultSources() for the
// platform's).
func NewWatcher(sources ...Source) *Watcher {
	return &Watcher{Sources: sources, Now: time.Now, dropped: map[string]bool{}}
}

// Sample asks every source once.
func (w *Watcher) Sample() Presence {
	now := w.Now()
	p := Presence{At: now, Idle: Unknown, ControllerIdle: Unknown}
	for _, s := range w.Sources {
		w.mu.Lock()
		gone := w.dropped[s.Name()]
		w.mu.Unlock()
		if gone {
			continue
		}
		if err := s.Sample(now, &p); err != nil {
			p.Errors = append(p.Errors, s.Name()+": "+err.Error())
			if errors.Is(err, ErrUnavailable) {
				w.mu.Lock()
				w.dropped[s.Name()] = true
				w.mu.Unlock()
			}
			continue
		}
		p.Sources = append(p.Sources, s.Name())
	}
	return p
}

// Run samples every period until ctx ends, handing each sample to
// publish, then closes the sources.
func (w *Watcher) Run(ctx context.Context, period time.Duration, publish func(Presence)) error {
	defer w.Close()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		publish(w.Sample())
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Close closes every source.
func (w *Watcher) Close() error {
	var errs []error
	for _, s := range w.Sources {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// idleInput merges an input source's idle time into p.
func idleInput(p *Presence, d time.Duration) {
	if d < 0 {
		d = 0
	}
	if d < p.Idle {
		p.Idle = d
	}
}
