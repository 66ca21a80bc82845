package localapi

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// LogRing keeps the daemon's last log lines for GET /v1/logs. Wrap the
// daemon's handler with it: every record still goes to the wrapped
// handler, and is also formatted as a text line into the ring.
type LogRing struct {
	next slog.Handler
	ring *ring
	text slog.Handler // formats into buf under ring.mu
}

type ring struct {
	mu    sync.Mutex // guards the fields below
	buf   bytes.Buffer
	lines []string
	max   int
}

// NewLogRing keeps max lines besides passing records to next.
func NewLogRing(next slog.Handler, max int) *LogRing {
	r := &ring{max: max}
	return &LogRing{next: next, ring: r, text: slog.NewTextHandler(&r.buf, &slog.HandlerOptions{Level: slog.LevelDebug})}
}

// Enabled follows the wrapped handler.
func (l *LogRing) Enabled(ctx context.Context, lv slog.Level) bool { return l.next.Enabled(ctx, lv) }

// Handle records the line and passes the record on.
func (l *LogRing) Handle(ctx context.Context, rec slog.Record) error {
	l.ring.mu.Lock()
	l.ring.buf.Reset()
	if l.text.Handle(ctx, rec) == nil {
		l.ring.lines = append(l.ring.lines, string(bytes.TrimRight(l.ring.buf.Bytes(), "\n")))
		if over := len(l.ring.lines) - l.ring.max; over > 0 {
			l.ring.lines = append(l.ring.lines[:0], l.ring.lines[over:]...)
		}
	}
	l.ring.mu.Unlock()
	return l.next.Handle(ctx, rec)
}

// WithAttrs keeps one ring across derived handlers.
func (l *LogRing) WithAttrs(as []slog.Attr) slog.Handler {
	return &LogRing{next: l.next.WithAttrs(as), ring: l.ring, text: l.text.WithAttrs(as)}
}

// WithGroup keeps one ring across derived handlers.
func (l *LogRing) WithGroup(name string) slog.Handler {
	return &LogRing{next: l.next.WithGroup(name), ring: l.ring, text: l.text.WithGroup(name)}
}

// Tail returns the last n lines, oldest first.
func (l *LogRing) Tail(n int) []string {
	l.ring.mu.Lock()
	defer l.ring.mu.Unlock()
	n = min(n, len(l.ring.lines))
	return append([]string(nil), l.ring.lines[len(l.ring.lines)-n:]...)
}
