package localapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/hydrogen-network/hydrogen/nodecore/redact"
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

// Handle records the line and passes the record on, with every URL in
// it redacted (an RPC endpoint's API key, a proxy's password: errors
// quote the endpoint they failed on).
func (l *LogRing) Handle(ctx context.Context, rec slog.Record) error {
	rec = scrubRecord(rec)
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

// scrubRecord is rec with its message and attributes redacted.
func scrubRecord(rec slog.Record) slog.Record {
	out := slog.NewRecord(rec.Time, rec.Level, redact.Text(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(scrubAttr(a))
		return true
	})
	return out
}

// scrubAttr redacts the URLs in a string, error or Stringer attribute,
// and in groups.
func scrubAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redact.Text(v.String()))
	case slog.KindGroup:
		as := v.Group()
		out := make([]any, len(as))
		for i, g := range as {
			out[i] = scrubAttr(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, redact.Text(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, redact.Text(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// WithAttrs keeps one ring across derived handlers.
func (l *LogRing) WithAttrs(as []slog.Attr) slog.Handler {
	scrubbed := make([]slog.Attr, len(as))
	for i, a := range as {
		scrubbed[i] = scrubAttr(a)
	}
	as = scrubbed
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
