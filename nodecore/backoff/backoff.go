// Package backoff is the one way Hydrogen waits before trying again: an
// RPC call that failed, an event stream that lost its node, a download,
// a part of the daemon or the service that stopped, the app's watch of a
// daemon that restarts. The delays double from a minimum to a maximum,
// with a little jitter so that many clients do not retry in step, and
// start over from the minimum after a success (Reset). The arithmetic is
// github.com/cenkalti/backoff's.
package backoff

import (
	"context"
	"time"

	cbackoff "github.com/cenkalti/backoff/v5"
)

// Jitter is the share by which a delay may be shorter or longer.
const Jitter = 0.1

// Delays hands out the pauses between tries. The zero Delays is not
// usable; New makes one. A Delays is for one goroutine.
type Delays struct {
	b cbackoff.ExponentialBackOff
}

// New returns delays doubling from min to max.
func New(min, max time.Duration) *Delays {
	d := &Delays{b: cbackoff.ExponentialBackOff{InitialInterval: min, RandomizationFactor: Jitter, Multiplier: 2, MaxInterval: max}}
	d.b.Reset()
	return d
}

// Next returns the next delay and doubles the one after (up to max).
func (d *Delays) Next() time.Duration { return d.b.NextBackOff() }

// Reset starts over from min: the last try succeeded.
func (d *Delays) Reset() { d.b.Reset() }

// Sleep waits the next delay; false when ctx ended first.
func (d *Delays) Sleep(ctx context.Context) bool {
	return SleepFor(ctx, d.Next())
}

// SleepFor waits for d; false when ctx ended first.
func SleepFor(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
