package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
)

// FuzzLocalAPI: any request a writer sends (method, path, body) gets an
// answer: a success, or an error status with a coded JSON error; no
// handler panics or hangs on what it is sent. (The watch stream, which
// never ends, and the two that run scrypt on purpose are left out.)
func FuzzLocalAPI(f *testing.F) {
	for _, s := range []struct{ method, path, body string }{
		{"GET", "/status", ""}, {"PATCH", "/settings", `{"idleMinutes":5}`}, {"PATCH", "/settings", `{"proxy":1}`},
		{"POST", "/control", `{"action":"pause"}`}, {"POST", "/control", `{"action":"` + strings.Repeat("x", 300) + `"}`},
		{"POST", "/presence", `{"idle":true}`}, {"PUT", "/wallet/address", `{"address":"0x00000000000000000000000000000000000Fee15"}`},
		{"PUT", "/wallet/address", `{"address":"0x0000000000000000000000000000000000000000"}`}, {"DELETE", "/wallet/address/pending", ""},
		{"POST", "/wallet/withdraw", `{"to":"0x00000000000000000000000000000000000Fee15","amount":"1"}`}, {"POST", "/wallet/withdraw/confirm", `{"id":"x"}`},
		{"DELETE", "/models", `{"id":"base:a/b"}`}, {"POST", "/setup/network", `{"network":{}}`}, {"GET", "/tasks?limit=-1", ""},
		{"GET", "/earnings?by=century", ""}, {"POST", "/setup/start", "[" + strings.Repeat("[", 10000)}, {"GET", "/../../etc/passwd", ""},
	} {
		f.Add(s.method, s.path, []byte(s.body))
	}
	dir := f.TempDir()
	st, err := settings.Open(filepath.Join(dir, "settings.json"), settings.Defaults(false))
	if err != nil {
		f.Fatal(err)
	}
	payout, err := OpenWithdrawalAddress(filepath.Join(dir, "withdrawal-address.json"), time.Hour, nil)
	if err != nil {
		f.Fatal(err)
	}
	n := &fakeNode{}
	gov := governor.New(governor.Options{Policy: policy.Defaults(), Gate: n})
	srv := &Server{Node: n, Governor: gov, Settings: st, Withdrawal: payout, Access: me(),
		Log: slog.New(slog.DiscardHandler), Now: time.Now}
	srv.mu.Lock()
	srv.initLocked() // as Serve does
	srv.mu.Unlock()
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, method, path string, body []byte) {
		if strings.Contains(path, "watch") || strings.Contains(path, "backup") || strings.Contains(path, "setup/wallet") {
			return
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, api.Prefix+path, bytes.NewReader(body))
		if err != nil {
			return // not a request any client could send
		}
		req = req.WithContext(context.WithValue(ctx, credKey{}, Cred{UID: uint32(os.Getuid()), PID: 1}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ctx.Err() != nil {
			t.Fatalf("%s %s: no answer in 5 s", method, path)
		}
		if rec.Code >= 400 {
			var e struct {
				Error *api.Error `json:"error"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == nil || e.Error.Code == "" {
				t.Fatalf("%s %s: %d without a coded error: %q", method, path, rec.Code, rec.Body.String())
			}
		}
	})
}
