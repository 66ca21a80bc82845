package localapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
)

// TestFinding13SecretsHidden: a proxy's password is not shown by GET
// /v1/settings (any reader could read it); sending the settings back as
// shown keeps it; the daemon's log lines (stderr and GET /v1/logs) show
// no endpoint's key or credentials.
func TestFinding13SecretsHidden(t *testing.T) {
	st, err := settings.Open(filepath.Join(t.TempDir(), "settings.json"), settings.Defaults(false))
	if err != nil {
		t.Fatal(err)
	}
	r := serve(t, sockPath(t), &fakeNode{}, me(), func(s *Server) { s.Settings = st })
	c, ctx := r.client, context.Background()

	proxy := "http://bob:hunter2@proxy.example:3128"
	got, err := c.PatchSettings(ctx, api.Settings{Proxy: &proxy})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(*got.Proxy, "hunter2") {
		t.Fatalf("PATCH answered the password: %s", *got.Proxy)
	}
	got, err = c.Settings(ctx)
	if err != nil || strings.Contains(*got.Proxy, "hunter2") || strings.Contains(*got.Proxy, "bob") || !strings.Contains(*got.Proxy, "proxy.example:3128") {
		t.Fatalf("GET shows %v %v", *got.Proxy, err)
	}
	if _, err := c.PatchSettings(ctx, got); err != nil { // the settings page saves what it shows
		t.Fatal(err)
	}
	if u := st.Downloads().Proxy.User; u.Username() != "bob" {
		t.Fatalf("the user became %q", u.Username())
	} else if p, _ := u.Password(); p != "hunter2" {
		t.Fatalf("the password became %q", p)
	}

	var out strings.Builder
	ring := NewLogRing(slog.NewTextHandler(&out, nil), 10)
	log := slog.New(ring).With("rpc", "https://mainnet.example.io/v3/0123456789abcdef")
	log.Warn("chain call failed", "err", errors.New(`Post "https://mainnet.example.io/v3/0123456789abcdef": EOF`),
		"proxy", "socks5://bob:hunter2@proxy.example:1080")
	for _, text := range append(ring.Tail(10), out.String()) {
		if strings.Contains(text, "0123456789abcdef") || strings.Contains(text, "hunter2") {
			t.Errorf("a secret was logged: %s", text)
		}
		if !strings.Contains(text, "mainnet.example.io") {
			t.Errorf("the endpoint's host is gone: %s", text)
		}
	}
}

// TestFinding13ErrorsRedacted: an error answer quoting the chain client's
// error (GET /v1/wallet may be read by any reader) shows no key.
func TestFinding13ErrorsRedacted(t *testing.T) {
	rec := httptest.NewRecorder()
	fail(rec, http.StatusBadGateway, api.CodeChain, `the chain did not answer: Post "https://rpc.example.io/v3/0123456789abcdef": EOF`)
	if body := rec.Body.String(); strings.Contains(body, "0123456789abcdef") || !strings.Contains(body, "rpc.example.io") {
		t.Fatalf("error body %s", body)
	}
}
