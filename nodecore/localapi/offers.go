package localapi

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// offers are one-time confirmations (a withdrawal's quote, a backup's
// offer): issued with an ID, then taken at most once before they expire.
type offers[T any] struct {
	mu sync.Mutex // guards m
	m  map[string]offer[T]
}

type offer[T any] struct {
	v       T
	expires time.Time
}

// issue keeps v for ttl from now and returns its ID and end; expired
// offers are dropped on the way.
func (o *offers[T]) issue(now time.Time, ttl time.Duration, v T) (id string, expires time.Time) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails (Go 1.24+)
	id, expires = hex.EncodeToString(b[:]), now.Add(ttl)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]offer[T]{}
	}
	for k, old := range o.m {
		if now.After(old.expires) {
			delete(o.m, k)
		}
	}
	o.m[id] = offer[T]{v: v, expires: expires}
	return id, expires
}

// take returns the offer id, once, if it has not expired.
func (o *offers[T]) take(now time.Time, id string) (T, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, ok := o.m[id]
	delete(o.m, id)
	if !ok || now.After(f.expires) {
		var zero T
		return zero, false
	}
	return f.v, true
}
