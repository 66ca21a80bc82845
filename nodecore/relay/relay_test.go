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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

var ctx = context.Background()

type fixture struct {
	net      *simchain.Net
	srv      *Server
	url      string
	dir      string
	app      *simchain.Account
	stranger *simchain.Account
	run      simchain.TaskRun
	args     []byte
	files    [][]byte
}

// newFixture: three nodes, an application and a stranger; one task whose
// arguments hash to args, run to validation; a relay over it.
func newFixture(t *testing.T, limits Limits) *fixture {
	t.Helper()
	p := chain.DefaultParams()
	p.Tasks.AuditRateBps = 0 // recordResult records at once
	n := simchain.New(t, 5, &p)
	for _, a := range n.Accounts[:3] {
		if _, err := a.Client.Join(ctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: chain.Version{Major: 1}, Stake: simchain.Eth(1)}); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{net: n, app: n.Accounts[3], stranger: n.Accounts[4], dir: t.TempDir()}
	f.args = []byte(`{"prompt":"a red fox in the snow","seed":42,"steps":20}`)
	f.files = [][]byte{bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 100), []byte("second image")}
	spec := chain.Spec{Type: chain.TaskImage, ArgsHash: ArgsHash(f.args), MinVRAMMiB: 8192, Version: chain.Version{Major: 1}}
	run, err := n.RunToJudged(ctx, f.app, spec, big.NewInt(1e15), ResultHash(f.files))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.Client.CloseTask(ctx, run.ID); err != nil { // flips the audit coin: the verdicts are final
		t.Fatal(err)
	}
	f.run = run
	srv, err := NewServer(f.app.Client, f.dir, limits, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	f.url = hs.URL
	return f
}

func (f *fixture) client(a *simchain.Account) *Client { return NewClient(f.url, a.Key) }

// scope is what the fixture's relay takes signatures for.
func (f *fixture) scope() Scope {
	u, err := url.Parse(f.url)
	if err != nil {
		panic(err)
	}
	return Scope{ChainID: f.app.Client.Network().ChainID.ToInt(), Host: u.Host}
}

func (f *fixture) node(i int) *simchain.Account { return f.net.Account(f.run.Nodes[i]) }

// recordResult has node 0 record the result hash on chain.
func (f *fixture) recordResult(t *testing.T) {
	t.Helper()
	if _, err := f.node(0).Client.SubmitResult(ctx, f.run.ID, f.run.Votes[0]); err != nil {
		t.Fatal(err)
	}
}

func wantError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var re *Error
	if !errors.As(err, &re) || re.Status != status || re.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	if re.Message == "" {
		t.Fatal("an error without a message")
	}
}

func (f *fixture) stored(name string) bool {
	_, err := os.Stat(filepath.Join(f.dir, "tasks", new(big.Int).SetUint64(f.run.ID).String(), name))
	return err == nil
}

func TestRelayHappyPath(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	id := f.run.ID
	if err := f.client(f.app).PutArgs(ctx, id, f.args); err != nil {
		t.Fatal(err)
	}
	if err := f.client(f.app).PutArgs(ctx, id, f.args); err != nil {
		t.Fatalf("storing the same arguments again: %v", err)
	}
	for i := range 3 {
		got, err := f.client(f.node(i)).GetArgs(ctx, id)
		if err != nil || !bytes.Equal(got, f.args) {
			t.Fatalf("node %d read %q, %v", i, got, err)
		}
	}
	f.recordResult(t)
	if err := f.client(f.node(1)).PutResult(ctx, id, f.files); err != nil {
		t.Fatalf("a paid node stores the results: %v", err)
	}
	got, err := f.client(f.app).GetResult(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got[0], f.files[0]) || !bytes.Equal(got[1], f.files[1]) {
		t.Fatalf("creator read %d files", len(got))
	}
}

func TestRelayRejectsBadRequests(t *testing.T) {
	limits := DefaultLimits
	limits.MaxArgs = 1024
	f := newFixture(t, limits)
	id := f.run.ID

	t.Run("not signed", func(t *testing.T) {
		resp, err := http.Get(f.url + taskPath(id, "args"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Error Error `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 401 || body.Error.Code != CodeNoSignature {
			t.Fatalf("%d %+v %v", resp.StatusCode, body, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("error content type %q", ct)
		}
	})
	t.Run("signature by someone else", func(t *testing.T) {
		err := f.raw(t, f.stranger.Key, http.MethodPut, taskPath(id, "args"), f.args, func(h http.Header) {
			h.Set(HeaderAddress, f.app.Addr.Hex()) // claims to be the creator
		})
		wantError(t, err, 401, CodeBadSignature)
	})
	t.Run("body changed after signing", func(t *testing.T) {
		err := f.rawBody(t, f.app.Key, http.MethodPut, taskPath(id, "args"), f.args, []byte(`{"prompt":"something else"}`))
		wantError(t, err, 401, CodeBadSignature)
	})
	t.Run("stale timestamp", func(t *testing.T) {
		c := f.client(f.app)
		c.now = func() time.Time { return time.Now().Add(-2 * time.Minute) }
		wantError(t, c.PutArgs(ctx, id, f.args), 401, CodeStale)
		c.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		wantError(t, c.PutArgs(ctx, id, f.args), 401, CodeStale)
	})
	t.Run("arguments that do not match the chain", func(t *testing.T) {
		wantError(t, f.client(f.app).PutArgs(ctx, id, []byte(`{"prompt":"forged"}`)), 409, CodeHashMismatch)
	})
	t.Run("arguments from someone other than the creator", func(t *testing.T) {
		wantError(t, f.client(f.stranger).PutArgs(ctx, id, f.args), 403, CodeForbidden)
		wantError(t, f.client(f.node(0)).PutArgs(ctx, id, f.args), 403, CodeForbidden)
	})
	t.Run("oversize payload", func(t *testing.T) {
		wantError(t, f.client(f.app).PutArgs(ctx, id, bytes.Repeat([]byte("x"), 2000)), 413, CodeTooLarge)
	})
	t.Run("unknown task", func(t *testing.T) {
		wantError(t, f.client(f.app).PutArgs(ctx, 9999, f.args), 404, CodeUnknownTask)
	})
	if f.stored("args") {
		t.Fatal("a rejected request stored arguments")
	}
	t.Run("path-like keys", func(t *testing.T) {
		for _, p := range []string{"..", "%2e%2e", "01", "-1", "1a", "0", "1%2f..%2fargs", "99999999999999999999999"} {
			err := f.raw(t, f.app.Key, http.MethodGet, "/v1/tasks/"+p+"/args", nil, nil)
			var re *Error
			if !errors.As(err, &re) || re.Status < 400 {
				t.Errorf("task key %q: %v, want a 4xx error", p, err)
			}
		}
	})
	t.Run("reading arguments as a stranger", func(t *testing.T) {
		_, err := f.client(f.stranger).GetArgs(ctx, id)
		wantError(t, err, 403, CodeForbidden)
	})

	t.Run("results before the hash is on chain", func(t *testing.T) {
		wantError(t, f.client(f.node(0)).PutResult(ctx, id, f.files), 409, CodeNotReady)
	})
	f.recordResult(t)
	t.Run("results from a stranger", func(t *testing.T) {
		wantError(t, f.client(f.stranger).PutResult(ctx, id, f.files), 403, CodeForbidden)
	})
	t.Run("results that do not match the chain", func(t *testing.T) {
		wantError(t, f.client(f.node(0)).PutResult(ctx, id, [][]byte{[]byte("forged")}), 409, CodeHashMismatch)
	})
	t.Run("a malformed bundle", func(t *testing.T) {
		wantError(t, f.raw(t, f.node(0).Key, http.MethodPut, taskPath(id, "result"), []byte("not a tar file at all"), nil), 400, CodeBadRequest)
	})
	if f.stored("result") {
		t.Fatal("a rejected request stored results")
	}
	if err := f.client(f.node(2)).PutResult(ctx, id, f.files); err != nil {
		t.Fatal(err)
	}
	t.Run("reading someone else's results", func(t *testing.T) {
		for _, a := range []*simchain.Account{f.stranger, f.node(0)} {
			_, err := f.client(a).GetResult(ctx, id)
			wantError(t, err, 403, CodeForbidden)
		}
	})
}

// raw sends a signed request, letting edit change the headers afterwards.
func (f *fixture) raw(t *testing.T, key *ecdsa.PrivateKey, method, path string, body []byte, edit func(http.Header)) error {
	t.Helper()
	return f.send(t, key, method, path, body, body, edit)
}

// rawBody signs one body and sends another.
func (f *fixture) rawBody(t *testing.T, key *ecdsa.PrivateKey, method, path string, signed, sent []byte) error {
	t.Helper()
	return f.send(t, key, method, path, signed, sent, nil)
}

func (f *fixture) send(t *testing.T, key *ecdsa.PrivateKey, method, path string, signed, sent []byte, edit func(http.Header)) error {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := Sign(key, f.scope(), method, req.URL.Path, time.Now(), signed)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if edit != nil {
		edit(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 300 {
		return nil
	}
	var wrapped struct {
		Error *Error `json:"error"`
	}
	if json.Unmarshal(data, &wrapped) != nil || wrapped.Error == nil {
		return &Error{Status: resp.StatusCode, Code: "?", Message: string(data)}
	}
	wrapped.Error.Status = resp.StatusCode
	return wrapped.Error
}

func TestRelaySweepsExpiredTasks(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	if err := f.client(f.app).PutArgs(ctx, f.run.ID, f.args); err != nil {
		t.Fatal(err)
	}
	if n, err := f.srv.Sweep(); err != nil || n != 0 {
		t.Fatalf("a fresh task was swept: %d %v", n, err)
	}
	f.srv.now = func() time.Time { return time.Now().Add(DefaultLimits.Retention + time.Hour) }
	if n, err := f.srv.Sweep(); err != nil || n != 1 {
		t.Fatalf("swept %d, %v; want the expired task", n, err)
	}
	if f.stored("args") {
		t.Fatal("expired arguments still stored")
	}
}

func TestBundleRoundTripAndRejects(t *testing.T) {
	files := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte("z"), 5000)}
	b, err := EncodeBundle(files)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBundle(b, 16)
	if err != nil || len(got) != 3 || !bytes.Equal(got[2], files[2]) {
		t.Fatalf("round trip: %d files, %v", len(got), err)
	}
	if _, err := DecodeBundle(b, 2); !errors.Is(err, ErrBadBundle) {
		t.Errorf("three files under a limit of two: %v", err)
	}
	empty, _ := EncodeBundle(nil)
	if _, err := DecodeBundle(empty, 16); !errors.Is(err, ErrBadBundle) {
		t.Errorf("an empty bundle: %v", err)
	}
	if ResultHash(files) == ResultHash(files[:2]) || ResultHash([][]byte{[]byte("ab")}) == ResultHash([][]byte{[]byte("a"), []byte("b")}) {
		t.Error("result hashes collide across file boundaries")
	}
	if ArgsHash([]byte("x")) == (common.Hash{}) {
		t.Error("empty args hash")
	}
}

// TestRelayModelNames: the arguments teach the relay the names behind
// the spec's model hashes (and only those); anyone reads them back,
// checked against the hash; bad hashes and unknown ones are refused.
func TestRelayModelNames(t *testing.T) {
	f := newFixture(t, DefaultLimits)
	link := "lora:https://civitai.com/api/download/models/12345#sha256=" + strings.Repeat("ab", 32)
	args := []byte(`{"kind":"image","model":"base:org/sd","prompt":"a fox","seed":1,"width":512,"height":512,"count":1,` +
		`"loras":[{"model":"` + link + `","weight":0.5},{"model":"lora:org/unlisted","weight":0.5}]}`)
	spec := chain.Spec{Type: chain.TaskImage, ArgsHash: ArgsHash(args), MinVRAMMiB: 8192, Version: chain.Version{Major: 1},
		Models: []common.Hash{chain.ModelHash("base:org/sd"), chain.ModelHash(link)}}
	// A stranger's look-up before any task named the model.
	if _, err := f.client(f.stranger).ModelID(ctx, chain.ModelHash("base:org/sd")); err == nil {
		t.Fatal("a name known before any task named it")
	}
	run, err := f.net.RunHonestTask(ctx, f.app, spec, big.NewInt(1e15))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client(f.app).PutArgs(ctx, run.ID, args); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"base:org/sd", link} {
		got, err := f.client(f.stranger).ModelID(ctx, chain.ModelHash(id))
		if err != nil || got != id {
			t.Fatalf("%s: %q %v", id, got, err)
		}
	}
	_, err = f.client(f.stranger).ModelID(ctx, chain.ModelHash("lora:org/unlisted"))
	wantError(t, err, http.StatusNotFound, CodeNotFound)
	for _, h := range []string{"0x12", "abc", strings.Repeat("0", 66), "0x" + strings.Repeat("g", 64)} {
		resp, err := http.Get(f.url + "/v1/models/" + h)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %s", h, resp.Status)
		}
	}
	// A relay that lies is caught by the hash.
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"id":"base:org/other"}`)
	}))
	defer liar.Close()
	if _, err := NewClient(liar.URL, f.app.Key).ModelID(ctx, chain.ModelHash("base:org/sd")); err == nil || !strings.Contains(err.Error(), "does not hash") {
		t.Fatal(err)
	}
}
