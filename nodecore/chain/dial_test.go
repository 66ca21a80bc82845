package chain_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// TestFinding10ResponseBounded: an endpoint answering without end (or
// announcing a huge answer) fails the call instead of filling memory; a
// normal answer passes.
func TestFinding10ResponseBounded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		ok     bool
	}{
		{"normal", func(w http.ResponseWriter) { io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":"0x539"}`) }, true},
		{"endless", func(w http.ResponseWriter) {
			io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":"0x`)
			for range 64 {
				io.WriteString(w, strings.Repeat("0", 64<<10))
			}
			io.WriteString(w, `539"}`)
		}, false},
		{"announced", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "999999999")
			w.WriteHeader(200)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				tc.answer(w)
			}))
			defer srv.Close()
			c, err := chain.DialLimit(context.Background(), srv.URL, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			id, err := c.ChainID(context.Background())
			if tc.ok {
				if err != nil || id.Int64() != 1337 {
					t.Fatalf("chain id %v, %v", id, err)
				}
				return
			}
			if !errors.Is(err, chain.ErrResponseTooLarge) && (err == nil || !strings.Contains(err.Error(), "too large")) {
				t.Fatalf("err = %v, want a bound", err)
			}
		})
	}
}
