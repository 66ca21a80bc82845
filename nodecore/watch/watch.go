// Package watch fans a changing value out to its watchers. It is the one
// way the daemon's parts announce a change: the node its state, the
// governor its decision, the GPU sampler its samples, the settings their
// values, the model manager its downloads.
//
// A watcher gets the latest value, not every value: a watcher that does
// not keep up misses intermediate ones and never blocks the publisher,
// which is what a status display or a policy wants. Each subscription
// belongs to a context and ends with it.
package watch

import (
	"context"
	"sync"
)

// Hub holds a value and the channels of its watchers. The zero Hub holds
// the zero value and has no watchers; it must not be copied after use.
type Hub[T any] struct {
	mu   sync.Mutex // guards last, set and subs
	last T
	set  bool // a value was published (or the hub was started with one)
	subs map[chan T]struct{}
}

// New returns a hub holding v, which a new watcher gets first.
func New[T any](v T) *Hub[T] {
	return &Hub[T]{last: v, set: true}
}

// Last returns the latest value.
func (h *Hub[T]) Last() T {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// Publish makes v the latest value and hands it to every watcher,
// replacing one it has not read yet.
func (h *Hub[T]) Publish(v T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.publishLocked(v)
}

// Update applies f to the latest value under the hub's lock and
// publishes the result when f reports a change; it returns the new value
// and whether it changed. f must not call the hub.
func (h *Hub[T]) Update(f func(*T) bool) (T, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.last
	if !f(&v) {
		h.last = v // f may keep what watchers need not hear of
		return v, false
	}
	h.publishLocked(v)
	return v, true
}

func (h *Hub[T]) publishLocked(v T) {
	h.last, h.set = v, true
	for ch := range h.subs {
		select {
		case <-ch: // the watcher has not read the previous one: it gets this instead
		default:
		}
		ch <- v
	}
}

// Subscribe returns a channel of the values published from now on, with
// the latest value first (if the hub has one). The channel closes when
// ctx ends.
func (h *Hub[T]) Subscribe(ctx context.Context) <-chan T {
	ch := make(chan T, 1)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan T]struct{}{}
	}
	h.subs[ch] = struct{}{}
	if h.set {
		ch <- h.last
	}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, ch)
		close(ch)
	})
	return ch
}

// Watchers is the number of subscriptions not yet ended.
func (h *Hub[T]) Watchers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
