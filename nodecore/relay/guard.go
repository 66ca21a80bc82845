package relay

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The relay's defences against floods: token buckets keyed by client or
// wallet, and sets of keys that expire (the wallets seen on tasks, the
// nonces of recent signatures). All are bounded in memory.

// purgeEvery is how often a full map may be swept for entries to drop.
const purgeEvery = 100 * time.Millisecond

// buckets is a token bucket per key, at most max of them.
type buckets struct {
	rate  rate.Limit
	burst int
	max   int

	mu        sync.Mutex // guards m and lastPurge
	m         map[string]*rate.Limiter
	lastPurge time.Time
}

func newBuckets(perSecond float64, burst, maxKeys int) *buckets {
	return &buckets{rate: rate.Limit(perSecond), burst: burst, max: maxKeys, m: map[string]*rate.Limiter{}}
}

// allow takes a token from key's bucket; when it has none it reports
// false and how long until it has one. A key the map has no room for is
// refused for a second.
func (b *buckets) allow(key string, now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	lim, ok := b.m[key]
	if !ok {
		if len(b.m) >= b.max {
			b.purgeLocked(now)
		}
		if len(b.m) >= b.max {
			return false, time.Second
		}
		lim = rate.NewLimiter(b.rate, b.burst)
		b.m[key] = lim
	}
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// purgeLocked drops the buckets that are full again: a new bucket is the
// same. It runs at most every purgeEvery.
func (b *buckets) purgeLocked(now time.Time) {
	if now.Sub(b.lastPurge) < purgeEvery && now.After(b.lastPurge) {
		return
	}
	b.lastPurge = now
	for k, lim := range b.m {
		if lim.TokensAt(now) >= float64(b.burst) {
			delete(b.m, k)
		}
	}
}

// expiring is a set of keys each kept until its expiry, at most max.
type expiring[K comparable] struct {
	max int

	mu        sync.Mutex // guards m and lastPurge
	m         map[K]time.Time
	lastPurge time.Time
}

func newExpiring[K comparable](maxKeys int) *expiring[K] {
	return &expiring[K]{max: maxKeys, m: map[K]time.Time{}}
}

// add puts key in the set until expiry. It reports whether the key was
// new (false: it is there, unexpired) and whether there was room.
func (e *expiring[K]) add(key K, expiry, now time.Time) (added, room bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if exp, ok := e.m[key]; ok && exp.After(now) {
		return false, true
	}
	if len(e.m) >= e.max {
		e.purgeLocked(now)
		if len(e.m) >= e.max {
			return false, false
		}
	}
	e.m[key] = expiry
	return true, true
}

// has reports whether key is in the set, unexpired.
func (e *expiring[K]) has(key K, now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.m[key]
	return ok && exp.After(now)
}

// purgeLocked drops expired keys, at most every purgeEvery.
func (e *expiring[K]) purgeLocked(now time.Time) {
	if now.Sub(e.lastPurge) < purgeEvery && now.After(e.lastPurge) {
		return
	}
	e.lastPurge = now
	for k, exp := range e.m {
		if !exp.After(now) {
			delete(e.m, k)
		}
	}
}
