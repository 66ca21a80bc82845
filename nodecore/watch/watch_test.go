package watch

import (
	"context"
	"testing"
	"time"
)

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("the channel closed")
		}
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received")
	}
	panic("unreachable")
}

func TestSubscribeGetsTheLatestFirst(t *testing.T) {
	h := New(1)
	ch := h.Subscribe(t.Context())
	if v := recv(t, ch); v != 1 {
		t.Fatalf("first %d, want the value the hub holds", v)
	}
	var empty Hub[string]
	ch2 := empty.Subscribe(t.Context())
	select {
	case v := <-ch2:
		t.Fatalf("an empty hub sent %q", v)
	default:
	}
	empty.Publish("a")
	if v := recv(t, ch2); v != "a" {
		t.Fatalf("got %q", v)
	}
}

func TestASlowWatcherGetsOnlyTheLatest(t *testing.T) {
	var h Hub[int]
	ch := h.Subscribe(t.Context())
	for i := range 100 {
		h.Publish(i) // never blocks, though nobody reads
	}
	if v := recv(t, ch); v != 99 {
		t.Fatalf("got %d, want the latest (99)", v)
	}
	select {
	case v := <-ch:
		t.Fatalf("a stale value %d after the latest", v)
	default:
	}
	if h.Last() != 99 {
		t.Fatalf("Last %d", h.Last())
	}
}

func TestUpdatePublishesOnlyChanges(t *testing.T) {
	h := New(struct{ shown, hidden int }{})
	ch := h.Subscribe(t.Context())
	recv(t, ch)
	v, changed := h.Update(func(s *struct{ shown, hidden int }) bool { s.hidden = 7; return false })
	if changed || v.hidden != 7 || h.Last().hidden != 7 {
		t.Fatalf("an unannounced change must still be kept: %+v %v", v, changed)
	}
	select {
	case v := <-ch:
		t.Fatalf("a change f did not report was sent: %+v", v)
	default:
	}
	h.Update(func(s *struct{ shown, hidden int }) bool { s.shown = 1; return true })
	if v := recv(t, ch); v.shown != 1 || v.hidden != 7 {
		t.Fatalf("got %+v", v)
	}
}

func TestSubscriptionEndsWithItsContext(t *testing.T) {
	var h Hub[int]
	ctx, cancel := context.WithCancel(context.Background())
	ch := h.Subscribe(ctx)
	other := h.Subscribe(t.Context())
	if h.Watchers() != 2 {
		t.Fatalf("%d watchers", h.Watchers())
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("a value instead of the close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the channel did not close with its context")
	}
	h.Publish(3) // a closed subscription is not sent to
	if v := recv(t, other); v != 3 {
		t.Fatalf("got %d", v)
	}
	if h.Watchers() != 1 {
		t.Fatalf("%d watchers after one ended", h.Watchers())
	}
}

func TestConcurrentPublishersAndWatchers(t *testing.T) {
	var h Hub[int]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	for range 4 {
		go func() {
			for v := range h.Subscribe(ctx) {
				_ = v
			}
			done <- struct{}{}
		}()
	}
	for i := range 1000 {
		h.Publish(i)
	}
	cancel()
	for range 4 {
		<-done
	}
}
