package api

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestClientSharedByGoroutines: the tray starts several goroutines on one
// zero-value Client (watch, presence, status); its HTTP client is built
// once for all of them. Run with -race (scripts/test does): a lazy
// initialisation without synchronisation is reported here.
func TestClientSharedByGoroutines(t *testing.T) {
	var served atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != Prefix+"/status" {
			http.NotFound(w, r)
			return
		}
		served.Add(1)
		_ = json.NewEncoder(w).Encode(Status{State: StateSetup})
	}))
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	var dials atomic.Int32
	c := &Client{Dial: func(ctx context.Context) (net.Conn, error) {
		dials.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}}
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			st, err := c.Status(t.Context())
			if err == nil && st.State != StateSetup {
				err = &Error{Code: "test", Message: "state " + string(st.State)}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if served.Load() != n {
		t.Fatalf("served %d of %d requests", served.Load(), n)
	}
	first := c.http()
	if c.http() != first {
		t.Fatal("the client built a second HTTP client")
	}
}
