package relay

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// countingTasks counts the chain reads of a relay; network, if set,
// replaces the network it reports.
type countingTasks struct {
	Tasks
	network *chain.Network
	reads   atomic.Int64
}

func (c *countingTasks) Task(ctx context.Context, id uint64) (chain.TaskInfo, error) {
	c.reads.Add(1)
	return c.Tasks.Task(ctx, id)
}

func (c *countingTasks) Network() *chain.Network {
	if c.network != nil {
		return c.network
	}
	return c.Tasks.Network()
}

// countingBody is an endless body of zeros that counts what is read.
type countingBody struct{ n atomic.Int64 }

func (b *countingBody) Read(p []byte) (int, error) {
	clear(p)
	b.n.Add(int64(len(p)))
	return len(p), nil
}

// signedRequest is a request to h's host signed by key (nil: unsigned).
func signedRequest(t *testing.T, key *ecdsa.PrivateKey, chainID *big.Int, method, target string, body []byte) *http.Request {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if key != nil {
		hdr, err := Sign(key, Scope{ChainID: chainID, Host: req.Host}, method, req.URL.Path, time.Now(), body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
	}
	return req
}

func (f *fixture) chainID() *big.Int { return f.app.Client.Network().ChainID.ToInt() }

// TestFinding9BodyNotReadBeforeAuthorisation: the relay read up to 64 MiB
// of anyone's body before checking the signature. Now an unsigned, a
// badly signed or an unauthorised request has none of its body read, and
// a declared size over the endpoint's limit is refused at once.
func TestFinding9BodyNotReadBeforeAuthorisation(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	f.recordResult(t)
	h := f.srv.Handler()
	stranger, _ := crypto.GenerateKey()
	for _, tc := range []struct {
		name   string
		key    *ecdsa.PrivateKey
		path   string
		length int64 // declared; -1 chunked
		status int
		code   string
	}{
		{"unsigned result", nil, "result", -1, http.StatusUnauthorized, CodeNoSignature},
		{"result signed by a stranger", stranger, "result", -1, http.StatusForbidden, CodeForbidden},
		{"result signed by the creator", f.app.Key, "result", -1, http.StatusForbidden, CodeForbidden},
		{"declared arguments over the limit", f.app.Key, "args", 2 << 20, http.StatusRequestEntityTooLarge, CodeTooLarge},
		{"declared result over the limit", f.node(0).Key, "result", 65 << 20, http.StatusRequestEntityTooLarge, CodeTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := signedRequest(t, tc.key, f.chainID(), http.MethodPut, taskPath(f.run.ID, tc.path), nil)
			body := &countingBody{}
			req.Body, req.ContentLength = io.NopCloser(body), tc.length
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.status || !bytes.Contains(w.Body.Bytes(), []byte(`"`+tc.code+`"`)) {
				t.Fatalf("%d %s, want %d %s", w.Code, w.Body, tc.status, tc.code)
			}
			if n := body.n.Load(); n > 0 {
				t.Fatalf("the relay read %d bytes of the body", n)
			}
		})
	}
}

// TestFinding9ThrowawayKeysDoNotEachCostAChainRead: every request by a
// fresh wallet cost a chain read. Now wallets the relay has not seen on a
// task share their client address's small budget (429 with Retry-After
// beyond it), and a wallet seen on a task keeps being served.
func TestFinding9ThrowawayKeysDoNotEachCostAChainRead(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	limits := DefaultLimits
	limits.UnknownPerSecond, limits.UnknownBurst = 0.001, 5
	limits.UnknownTotalPerSecond, limits.UnknownTotalBurst = 0.001, 20
	tasks := &countingTasks{Tasks: f.app.Client}
	srv, err := NewServer(tasks, t.TempDir(), limits, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	get := func(key *ecdsa.PrivateKey, remote string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		req := signedRequest(t, key, f.chainID(), http.MethodGet, taskPath(f.run.ID, "args"), nil)
		req.RemoteAddr = remote
		h.ServeHTTP(w, req)
		return w
	}
	if w := get(f.app.Key, "192.0.2.1:1000"); w.Code != http.StatusNotFound { // no args on this relay: but the creator is now known
		t.Fatalf("the creator: %d %s", w.Code, w.Body)
	}
	flood := func(t *testing.T, n int, remote func(i int) string) (reads int64, limited int) {
		t.Helper()
		tasks.reads.Store(0)
		for i := range n {
			key, _ := crypto.GenerateKey()
			switch w := get(key, remote(i)); w.Code {
			case http.StatusForbidden:
			case http.StatusTooManyRequests:
				limited++
				if w.Header().Get("Retry-After") == "" || !bytes.Contains(w.Body.Bytes(), []byte(CodeRateLimited)) {
					t.Fatalf("429 without Retry-After or code: %v %s", w.Header(), w.Body)
				}
			default:
				t.Fatalf("a throwaway wallet: %d %s", w.Code, w.Body)
			}
		}
		return tasks.reads.Load(), limited
	}
	t.Run("one address", func(t *testing.T) {
		if reads, limited := flood(t, 100, func(int) string { return "192.0.2.1:1234" }); reads > int64(limits.UnknownBurst) || limited < 95 {
			t.Fatalf("100 throwaway wallets cost %d chain reads; %d limited", reads, limited)
		}
	})
	t.Run("one IPv6 /64", func(t *testing.T) {
		if reads, limited := flood(t, 50, func(i int) string { return "[2001:db8::" + strconv.FormatInt(int64(i+1), 16) + "]:1234" }); reads > int64(limits.UnknownBurst) {
			t.Fatalf("50 addresses of one /64 cost %d chain reads; %d limited", reads, limited)
		}
	})
	t.Run("many addresses", func(t *testing.T) {
		if reads, _ := flood(t, 100, func(i int) string { return "198.51.100." + strconv.Itoa(i+1) + ":1234" }); reads > int64(limits.UnknownTotalBurst) {
			t.Fatalf("100 addresses cost %d chain reads", reads)
		}
	})
	if w := get(f.app.Key, "192.0.2.1:1000"); w.Code != http.StatusNotFound {
		t.Fatalf("the known creator during the flood: %d %s", w.Code, w.Body)
	}
}

// TestFinding9ResendDoesNotRefreshRetention: storing the same arguments
// again rewrote them, so that they were kept forever. Now retention runs
// from the first store.
func TestFinding9ResendDoesNotRefreshRetention(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	if err := f.client(f.app).PutArgs(ctx, f.run.ID, f.args); err != nil {
		t.Fatal(err)
	}
	// Stored almost a retention period ago.
	dir := filepath.Join(f.dir, "tasks", strconv.FormatUint(f.run.ID, 10))
	old := time.Now().Add(-DefaultLimits.Retention + time.Minute)
	for _, p := range []string{filepath.Join(dir, "args"), dir} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if err := f.client(f.app).PutArgs(ctx, f.run.ID, f.args); err != nil {
			t.Fatal(err)
		}
	}
	f.srv.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if n, err := f.srv.Sweep(); err != nil || n != 1 {
		t.Fatalf("swept %d, %v: the re-sent arguments outlived their first store's retention", n, err)
	}
}

// TestFinding9StorageFeeMinimum: storage cost a task's minimum fee
// whatever its size. Now a task must pay MinFeePerMiB per MiB kept (402
// otherwise), and the default lets a task of the default minimum fee use
// the full limits.
func TestFinding9StorageFeeMinimum(t *testing.T) {
	limits := DefaultLimits
	limits.MinFeePerMiB = big.NewInt(2e15) // the fixture's task pays 1e15
	f := newFixture(t, limits)
	wantError(t, f.client(f.app).PutArgs(ctx, f.run.ID, f.args), http.StatusPaymentRequired, CodeFeeTooLow)
	if f.stored("args") {
		t.Fatal("arguments of an underpaid task were stored")
	}
	limits.MinFeePerMiB = big.NewInt(-1)
	if _, err := NewServer(f.app.Client, t.TempDir(), limits, nil); err == nil {
		t.Error("a negative fee minimum was accepted")
	}
	d := DefaultLimits
	need := new(big.Int).Mul(d.MinFeePerMiB, big.NewInt((d.MaxArgs+d.MaxResult)>>20))
	if d.MinFeePerMiB.Cmp(big.NewInt(1)) <= 0 || chain.DefaultParams().Tasks.MinFee.Cmp(need) < 0 {
		t.Errorf("default %s wei per MiB: want more than 1 wei, within the default minimum fee", d.MinFeePerMiB)
	}
}

// TestFinding9ConnectionCapAndTimeouts: the relay took any number of
// connections, had no write timeout and a 5-minute read timeout. Now
// HTTPServer has bounded timeouts, LimitListener caps connections, and a
// client that sends its headers slowly is cut off.
func TestFinding9ConnectionCapAndTimeouts(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	t.Run("timeouts", func(t *testing.T) {
		hs := f.srv.HTTPServer()
		if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.ReadTimeout > time.Minute || hs.WriteTimeout <= 0 || hs.WriteTimeout > time.Minute ||
			hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 64<<10 {
			t.Fatalf("timeouts %v %v %v %v, headers %d", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout, hs.MaxHeaderBytes)
		}
	})
	serve := func(t *testing.T, limits Limits) string {
		srv, err := NewServer(f.app.Client, t.TempDir(), limits, nil)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		hs := srv.HTTPServer()
		go func() { _ = hs.Serve(srv.LimitListener(ln)) }()
		t.Cleanup(func() { _ = hs.Close() })
		return ln.Addr().String()
	}
	health := func(conn net.Conn) chan error {
		done := make(chan error, 1)
		go func() {
			if _, err := io.WriteString(conn, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
				done <- err
				return
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		return done
	}
	t.Run("connection cap", func(t *testing.T) {
		limits := DefaultLimits
		limits.MaxConns = 2
		addr := serve(t, limits)
		var held []net.Conn
		for range 3 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			held = append(held, c)
		}
		time.Sleep(50 * time.Millisecond) // the first two are accepted
		done := health(held[2])
		select {
		case err := <-done:
			t.Fatalf("a third connection was served (%v)", err)
		case <-time.After(300 * time.Millisecond):
		}
		held[0].Close()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the third connection was not served once a slot freed")
		}
	})
	t.Run("slow headers", func(t *testing.T) {
		limits := DefaultLimits
		limits.ReadHeaderTimeout = 200 * time.Millisecond
		c, err := net.Dial("tcp", serve(t, limits))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, "GET /v1/health HTTP/1.1\r\nHost: x\r\n"); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		began := time.Now()
		_, err = io.ReadAll(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the relay kept a connection whose headers never ended")
		}
		if d := time.Since(began); d > 3*time.Second {
			t.Fatalf("cut off after %s", d)
		}
	})
}

// recorder keeps copies of the requests a client sends.
type recorder struct {
	mu   sync.Mutex // guards reqs
	reqs []*http.Request
	body [][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	r.mu.Lock()
	r.reqs, r.body = append(r.reqs, req.Clone(context.Background())), append(r.body, b)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// replay sends the last recorded request again to base, optionally with
// its Host header kept.
func (r *recorder) replay(t *testing.T, base string, keepHost bool) (int, []byte) {
	t.Helper()
	r.mu.Lock()
	orig, body := r.reqs[len(r.reqs)-1], r.body[len(r.body)-1]
	r.mu.Unlock()
	req, err := http.NewRequest(orig.Method, base+orig.URL.Path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = orig.Header.Clone()
	if keepHost {
		req.Host = orig.URL.Host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// TestFinding14RelayReplay: a signed request could be replayed, within a
// minute, to the same relay, to another relay or to a relay of another
// chain. Now each of those is refused.
func TestFinding14RelayReplay(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	relayOn := func(t *testing.T, network *chain.Network, opts ...func(u string) Option) string {
		var handler http.Handler
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
		t.Cleanup(hs.Close)
		var o []Option
		for _, opt := range opts {
			o = append(o, opt(hs.URL))
		}
		srv, err := NewServer(&countingTasks{Tasks: f.app.Client, network: network}, t.TempDir(), DefaultLimits, nil, o...)
		if err != nil {
			t.Fatal(err)
		}
		handler = srv.Handler()
		if err := NewClient(hs.URL, f.app.Key).PutArgs(ctx, f.run.ID, f.args); err != nil && network == nil {
			t.Fatal(err)
		}
		return hs.URL
	}
	ownHost := func(u string) Option { p, _ := url.Parse(u); return WithHosts(p.Host) }
	if err := f.client(f.app).PutArgs(ctx, f.run.ID, f.args); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	node := f.client(f.node(0))
	node.HTTP = &http.Client{Transport: rec}
	if _, err := node.GetArgs(ctx, f.run.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("to the same relay", func(t *testing.T) {
		if status, body := rec.replay(t, f.url, false); status != http.StatusUnauthorized || !bytes.Contains(body, []byte(CodeReplay)) {
			t.Fatalf("replayed: %d %s", status, body)
		}
	})
	t.Run("to another relay", func(t *testing.T) {
		other := relayOn(t, nil)
		if status, body := rec.replay(t, other, false); status != http.StatusUnauthorized || !bytes.Contains(body, []byte(CodeWrongRelay)) {
			t.Fatalf("replayed: %d %s", status, body)
		}
	})
	t.Run("to another relay, Host header forged", func(t *testing.T) {
		other := relayOn(t, nil, ownHost)
		if status, body := rec.replay(t, other, true); status != http.StatusUnauthorized || !bytes.Contains(body, []byte(CodeWrongRelay)) {
			t.Fatalf("replayed: %d %s", status, body)
		}
	})
	t.Run("to a relay of another chain", func(t *testing.T) {
		n := *f.app.Client.Network()
		n.ChainID = (*hexutil.Big)(big.NewInt(424242))
		other := relayOn(t, &n)
		if status, body := rec.replay(t, other, false); status != http.StatusUnauthorized || !bytes.Contains(body, []byte(CodeWrongRelay)) {
			t.Fatalf("replayed: %d %s", status, body)
		}
	})
	t.Run("a client set for another chain", func(t *testing.T) {
		c := f.client(f.node(0))
		c.ChainID = big.NewInt(424242)
		_, err := c.GetArgs(ctx, f.run.ID)
		wantError(t, err, http.StatusUnauthorized, CodeWrongRelay)
	})
	t.Run("a fresh request is still served", func(t *testing.T) {
		if got, err := f.client(f.node(0)).GetArgs(ctx, f.run.ID); err != nil || !bytes.Equal(got, f.args) {
			t.Fatalf("%q %v", got, err)
		}
	})
}
