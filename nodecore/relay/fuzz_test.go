package relay

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// FuzzDecodeBundle: whatever the bytes, DecodeBundle never panics, never
// returns more than maxFiles files or more bytes than it was given, and
// what it returns encodes and decodes to itself.
func FuzzDecodeBundle(f *testing.F) {
	for _, files := range [][][]byte{{[]byte("a")}, {{}, []byte("two"), bytes.Repeat([]byte{0x89}, 700)}} {
		b, err := EncodeBundle(files)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(16))
		f.Add(b, uint8(1))
	}
	for _, b := range sparseBundles() {
		f.Add(b, uint8(16))
	}
	end := make([]byte, 1024)
	f.Add(append(append(tarBlock("0", '0', 1<<40, ustarMagic, nil), make([]byte, 512)...), end...), uint8(16))
	f.Add(append(tarBlock("0", '2', 0, ustarMagic, nil), end...), uint8(16))
	f.Add(append(paxEntry("path", "0", "size", "3"), append(tarBlock("x", '0', 3, ustarMagic, nil), tarPad([]byte("abc"))...)...), uint8(16))
	f.Add([]byte("not a tar file"), uint8(16))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, maxFiles uint8) {
		files, err := DecodeBundle(data, int(maxFiles))
		if err != nil {
			if !errors.Is(err, ErrBadBundle) {
				t.Fatalf("an error that is not ErrBadBundle: %v", err)
			}
			return
		}
		total := 0
		for _, f := range files {
			total += len(f)
		}
		if len(files) == 0 || len(files) > int(maxFiles) || total > len(data) {
			t.Fatalf("%d files (max %d), %d bytes from %d", len(files), maxFiles, total, len(data))
		}
		b, err := EncodeBundle(files)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeBundle(b, int(maxFiles))
		if err != nil || ResultHash(again) != ResultHash(files) || len(again) != len(files) {
			t.Fatalf("re-encoded bundle: %d files, %v", len(again), err)
		}
	})
}

// FuzzVerify: whatever the headers, verify never panics; what it accepts
// is signed by the named address, for this relay's chain and host, within
// MaxSkew, and for this method only.
func FuzzVerify(f *testing.F) {
	key, _ := crypto.HexToECDSA(strings.Repeat("ab", 32))
	now := time.Unix(1_800_000_000, 0)
	v := verifier{chainID: "1337", hostOK: func(h, req string) bool { return h == "relay.example" || h == req }}
	add := func(method, path string, body []byte, ts time.Time, host string) {
		hdr, err := Sign(key, Scope{ChainID: big.NewInt(1337), Host: host}, method, path, ts, body)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(hdr[HeaderAddress], hdr[HeaderTimestamp], hdr[HeaderSignature], hdr[HeaderNonce], hdr[HeaderChain], hdr[HeaderRelay], hdr[HeaderBodyHash], "relay.example", method, path)
	}
	add("GET", "/v1/tasks/1/args", nil, now, "relay.example")
	add("PUT", "/v1/tasks/7/result", []byte("bundle"), now.Add(-59*time.Second), "Relay.Example:443")
	add("PUT", "/v1/tasks/7/args", []byte("{}"), now.Add(2*time.Minute), "relay.example")
	add("GET", "/v1/tasks/1/args", nil, now, "other.example")
	f.Add("0x0000000000000000000000000000000000000000", "9223372036854775807", "00", "", "", "", "", "", "GET", "/")
	f.Add("", "", "", "", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, addr, ts, sig, nonce, chainID, host, sum, reqHost, method, path string) {
		h := map[string]string{HeaderAddress: addr, HeaderTimestamp: ts, HeaderSignature: sig, HeaderNonce: nonce, HeaderChain: chainID, HeaderRelay: host, HeaderBodyHash: sum}
		get := func(k string) string { return h[k] }
		got, err := v.verify(get, reqHost, method, path, now)
		if err != nil {
			return
		}
		if got.signer != common.HexToAddress(addr) || chainID != "1337" || !v.hostOK(host, NormalizeHost(reqHost)) {
			t.Fatalf("accepted %v for chain %q host %q", got.signer, chainID, host)
		}
		if d := now.Sub(got.ts); d > MaxSkew || d < -MaxSkew {
			t.Fatalf("accepted a timestamp %s off", d)
		}
		if _, err := v.verify(get, reqHost, method+"X", path, now); err == nil {
			t.Fatal("the same signature verified for another method")
		}
		if _, err := v.verify(get, reqHost, method, path+"/x", now); err == nil {
			t.Fatal("the same signature verified for another path")
		}
	})
}

// fakeTasks is one task (id 1) in memory: creator, a paid node, done.
type fakeTasks struct {
	creator, node common.Address
	argsHash      common.Hash
	resultHash    common.Hash
	reads         atomic.Int64
}

func (ft *fakeTasks) Task(_ context.Context, id uint64) (chain.TaskInfo, error) {
	ft.reads.Add(1)
	if id != 1 {
		return chain.TaskInfo{}, nil
	}
	t := chain.TaskInfo{Creator: ft.creator, Fee: big.NewInt(1e18), State: chain.TaskDone, Honest: 1, ResultHash: ft.resultHash}
	t.Nodes[0] = ft.node
	return t, nil
}

func (ft *fakeTasks) TaskSpec(_ context.Context, id uint64) (chain.Spec, common.Address, error) {
	ft.reads.Add(1)
	return chain.Spec{ArgsHash: ft.argsHash}, ft.creator, nil
}

func (ft *fakeTasks) Network() *chain.Network {
	return &chain.Network{ChainID: (*hexutil.Big)(big.NewInt(1337))}
}

// FuzzHandler: whatever the method, path, headers and body, signed or
// not, the relay's handler never panics, never reads more body than the
// endpoint takes, never makes more than two chain reads, and answers
// errors as JSON with a code.
func FuzzHandler(f *testing.F) {
	keys := make([]*ecdsa.PrivateKey, 3) // creator, node, stranger
	for i := range keys {
		keys[i], _ = crypto.HexToECDSA(strings.Repeat(string(rune('1'+i)), 64))
	}
	args := []byte(`{"prompt":"a fox","seed":1}`)
	files := [][]byte{[]byte("image")}
	bundle, _ := EncodeBundle(files)
	ft := &fakeTasks{creator: crypto.PubkeyToAddress(keys[0].PublicKey), node: crypto.PubkeyToAddress(keys[1].PublicKey), argsHash: ArgsHash(args), resultHash: ResultHash(files)}
	limits := DefaultLimits
	limits.MaxArgs, limits.MaxResult = 4<<10, 64<<10
	limits.UnknownPerSecond, limits.SignerPerSecond = 1e9, 1e9
	srv, err := NewServer(ft, f.TempDir(), limits, nil)
	if err != nil {
		f.Fatal(err)
	}
	// A clock that moves two minutes a request, so that remembered nonces
	// expire as the fuzzer runs.
	var clock atomic.Int64
	base := time.Unix(1_800_000_000, 0)
	srv.now = func() time.Time { return base.Add(time.Duration(clock.Load()) * 2 * time.Minute) }
	h := srv.Handler()

	methods := []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodHead}
	f.Add(uint8(1), "/v1/tasks/1/args", args, uint8(1), "")
	f.Add(uint8(0), "/v1/tasks/1/args", []byte(nil), uint8(2), "")
	f.Add(uint8(1), "/v1/tasks/1/result", bundle, uint8(2), "")
	f.Add(uint8(0), "/v1/tasks/1/result", []byte(nil), uint8(1), "")
	f.Add(uint8(1), "/v1/tasks/1/result", sparseBundles()["pax 1.0"], uint8(2), "")
	f.Add(uint8(1), "/v1/tasks/1/args", args, uint8(3), "")
	f.Add(uint8(1), "/v1/tasks/2/args", args, uint8(1), "")
	f.Add(uint8(0), "/v1/tasks/01/args", []byte(nil), uint8(1), "")
	f.Add(uint8(0), "/v1/tasks/1/args", []byte(nil), uint8(0), "X-Hydrogen-Address: 0x0000000000000000000000000000000000000001\nX-Hydrogen-Timestamp: 1800000000\nX-Hydrogen-Signature: 00")
	f.Add(uint8(1), "/v1/tasks/1/args", bytes.Repeat([]byte("x"), 5000), uint8(1), "")
	f.Add(uint8(0), "/v1/models/0x"+strings.Repeat("ab", 32), []byte(nil), uint8(0), "")
	f.Add(uint8(0), "/v1/health", []byte(nil), uint8(0), "")
	f.Add(uint8(1), "/v1/tasks/1/args", args, uint8(1), "X-Hydrogen-Chain: 1\nX-Hydrogen-Relay: elsewhere")
	f.Add(uint8(3), "/../v1/tasks/1/args", []byte("x"), uint8(0), "Content-Length: 99999999999")
	f.Fuzz(func(t *testing.T, m uint8, path string, body []byte, signer uint8, headers string) {
		now := base.Add(time.Duration(clock.Add(1)) * 2 * time.Minute)
		method := methods[int(m)%len(methods)]
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		u := &url.URL{Scheme: "http", Host: "example.com", Path: path}
		req, err := http.NewRequest(method, u.String(), nil)
		if err != nil {
			return
		}
		cb := &countedBody{r: bytes.NewReader(body)}
		req.Body, req.ContentLength = io.NopCloser(cb), int64(len(body))
		req.RemoteAddr = "192.0.2.1:1234"
		if i := int(signer) % 4; i > 0 {
			hdr, err := Sign(keys[i-1], Scope{ChainID: big.NewInt(1337), Host: "example.com"}, method, req.URL.Path, now, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
		}
		for _, line := range strings.Split(headers, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			if k = strings.TrimSpace(k); k == "Content-Length" {
				req.ContentLength = -1 // chunked: the handler cannot trust a length
				continue
			}
			req.Header.Set(k, strings.TrimSpace(v))
		}
		before := ft.reads.Load()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if n := ft.reads.Load() - before; n > 2 {
			t.Fatalf("%d chain reads for one request", n)
		}
		if n := cb.n; n > limits.MaxResult+1 || (!strings.HasSuffix(path, "/result") && n > limits.MaxArgs+1) {
			t.Fatalf("read %d bytes of body on %s %s", n, method, path)
		}
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
		if w.Code >= 400 && w.Code != http.StatusMethodNotAllowed && method != http.MethodHead {
			var e struct {
				Error *Error `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%d error without a JSON code: %q", w.Code, w.Body)
			}
		}
	})
}

// countedBody counts the bytes read from r.
type countedBody struct {
	r *bytes.Reader
	n int64
}

func (c *countedBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
