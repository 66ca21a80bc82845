package localapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// fakeNode is a node whose state the test sets.
type fakeNode struct {
	mu    sync.Mutex
	snap  node.Snapshot
	hub   watch.Hub[node.Snapshot]
	quits int
}

func (f *fakeNode) Snapshot() node.Snapshot { f.mu.Lock(); defer f.mu.Unlock(); return f.snap }
func (f *fakeNode) Watch(ctx context.Context) <-chan node.Snapshot {
	return f.hub.Subscribe(ctx)
}
func (f *fakeNode) Leave(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.quits > 0 {
		return node.ErrLeaving
	}
	f.quits++
	return nil
}
func (f *fakeNode) Rejoin(context.Context) error { return node.ErrAlreadyMember }
func (f *fakeNode) SetAutoRejoin(bool)           {}
func (f *fakeNode) SetHireable(bool, string)     {}
func (f *fakeNode) Wallet(context.Context) (node.WalletInfo, error) {
	return node.WalletInfo{Address: f.snap.Address, Balance: big.NewInt(5e18), Owed: big.NewInt(42), Stake: big.NewInt(1e18), State: chain.NodeAvailable, QoS: 9800}, nil
}
func (f *fakeNode) PlanWithdraw(context.Context, common.Address, *big.Int) (node.WithdrawPlan, error) {
	return node.WithdrawPlan{}, node.ErrNothingToWithdraw
}
func (f *fakeNode) Withdraw(context.Context, node.WithdrawPlan) (node.Withdrawal, error) {
	return node.Withdrawal{}, nil
}
func (f *fakeNode) Network(context.Context, string) node.NetworkInfo { return node.NetworkInfo{} }
func (f *fakeNode) ModelName(common.Hash) (string, bool)             { return "", false }
func (f *fakeNode) set(s node.State) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap.State = s
	f.hub.Publish(f.snap)
}

type rig struct {
	sock   string
	node   *fakeNode
	gov    *governor.Governor
	client *api.Client
	stop   func()
}

// serve starts the API on sock with a governor whose presence goes stale
// after 300 ms.
func serve(t *testing.T, sock string, n *fakeNode, access Access, opts ...func(*Server)) *rig {
	t.Helper()
	cfg := policy.Defaults()
	cfg.AwayAfter, cfg.PresenceStale = 50*time.Millisecond, 300*time.Millisecond
	gov := governor.New(governor.Options{Policy: cfg, Gate: n})
	ln, err := Open(sock, Access{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &Server{Node: n, Governor: gov, Access: access}
	for _, o := range opts {
		o(srv)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); gov.Run(ctx, 20*time.Millisecond) }()
	go func() { defer wg.Done(); srv.Serve(ctx, ln) }()
	stop := func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return &rig{sock: sock, node: n, gov: gov, client: &api.Client{Socket: sock}, stop: stop}
}

func me() Access { return Access{Owner: uint32(os.Getuid()), Group: 1<<31 - 1} }

func sockPath(t *testing.T) string {
	// Socket paths are short (108 bytes): a fresh directory under /tmp.
	dir, err := os.MkdirTemp("", "hlapi")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "api.sock")
}

func TestStatusPresenceAndStaleness(t *testing.T) {
	n := &fakeNode{snap: node.Snapshot{State: node.StateAvailable, Address: common.HexToAddress("0xabc")}}
	r := serve(t, sockPath(t), n, me())
	ctx := context.Background()
	fi, err := os.Stat(r.sock)
	if err != nil || fi.Mode().Perm() != 0o660 {
		t.Fatalf("socket mode %v %v", fi.Mode(), err)
	}
	s, err := r.client.Status(ctx)
	if err != nil || s.State != "available" || s.Decision.Earn || s.Decision.Reason != policy.PauseNoPresence {
		t.Fatalf("%+v %v", s, err)
	}
	// The tray reports the owner away: earning.
	if err := r.client.ReportPresence(ctx, api.Presence{At: time.Now(), Idle: api.Duration(time.Hour), ControllerIdle: api.Unknown, Sources: []string{"x11"}}); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.client.Status(ctx); !s.Decision.Earn || s.Decision.Reason != policy.EarnAway || s.Presence == nil {
		t.Fatalf("after the report: %+v", s)
	}
	// Reports stop (the watcher died): the owner is assumed present.
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, _ := r.client.Status(ctx)
		if !s.Decision.Earn && s.Decision.Reason == policy.PauseNoPresence {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %+v after the reports stopped", s.Decision)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestControl(t *testing.T) {
	n := &fakeNode{snap: node.Snapshot{State: node.StateAvailable}}
	r := serve(t, sockPath(t), n, me())
	ctx := context.Background()
	if err := r.client.Control(ctx, api.Control{Action: api.ActionPauseFor, Duration: api.Duration(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if d := r.gov.Decision(); d.Earn || d.Reason != policy.PauseOverride || time.Until(d.Detail.Until) < 59*time.Minute {
		t.Fatalf("%+v", d)
	}
	if err := r.client.Control(ctx, api.Control{Action: api.ActionEarnNow}); err != nil {
		t.Fatal(err)
	}
	if d := r.gov.Decision(); !d.Earn || d.Reason != policy.EarnOverride {
		t.Fatalf("%+v", d)
	}
	if err := r.client.Control(ctx, api.Control{Action: api.ActionLeave}); err != nil || n.quits != 1 {
		t.Fatalf("leave: %v %d", err, n.quits)
	}
	if err := r.client.Control(ctx, api.Control{Action: api.ActionLeave}); !api.IsCode(err, api.CodeLeaving) {
		t.Fatalf("leaving twice: %v", err)
	}
	if err := r.client.Control(ctx, api.Control{Action: api.ActionRejoin}); !api.IsCode(err, api.CodeMember) {
		t.Fatalf("rejoining a member: %v", err)
	}
	w, err := r.client.Wallet(ctx)
	if err != nil || w.Balance != "5000000000000000000" || w.Owed != "42" || w.Stake != "1000000000000000000" || w.State != "available" || w.QoS != 9800 {
		t.Fatalf("wallet %+v %v", w, err)
	}
}

// TestBadRequests: each gets a clear error with a code and changes nothing.
func TestBadRequests(t *testing.T) {
	n := &fakeNode{}
	r := serve(t, sockPath(t), n, me())
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", r.sock)
	}}}
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"not JSON", "POST", "/v1/control", "pause now", 400, api.CodeBadRequest},
		{"unknown field", "POST", "/v1/control", `{"action":"pause","force":true}`, 400, api.CodeBadRequest},
		{"trailing data", "POST", "/v1/control", `{"action":"pause"} {}`, 400, api.CodeBadRequest},
		{"oversized", "POST", "/v1/presence", `{"sources":["` + strings.Repeat("x", MaxBody) + `"]}`, 413, api.CodeTooLarge},
		{"unknown action", "POST", "/v1/control", `{"action":"overclock"}`, 400, api.CodeBadAction},
		{"pause too short", "POST", "/v1/control", `{"action":"pause_for","duration":"10s"}`, 400, api.CodeBadDuration},
		{"pause too long", "POST", "/v1/control", `{"action":"pause_for","duration":"9000h"}`, 400, api.CodeBadDuration},
		{"negative duration", "POST", "/v1/control", `{"action":"pause_for","duration":"-1h"}`, 400, api.CodeBadRequest},
		{"stale presence", "POST", "/v1/presence", fmt.Sprintf(`{"at":%q,"idle":"1h","controllerIdle":"unknown"}`, time.Now().Add(-time.Hour).Format(time.RFC3339)), 400, api.CodeStalePresnce},
		{"presence from the future", "POST", "/v1/presence", fmt.Sprintf(`{"at":%q,"idle":"1h","controllerIdle":"unknown"}`, time.Now().Add(time.Hour).Format(time.RFC3339)), 400, api.CodeStalePresnce},
		{"no endpoint", "GET", "/v1/wallet/key", "", 404, api.CodeNotFound},
		{"wrong method", "GET", "/v1/control", "", 404, api.CodeNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, "http://hydrogend"+c.path, strings.NewReader(c.body))
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || !strings.Contains(string(b), `"code":"`+c.code+`"`) || !strings.Contains(string(b), `"message":"`) {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, b, c.status, c.code)
			}
		})
	}
	if d := r.gov.Decision(); d.Reason == policy.PauseOverride || n.quits != 0 {
		t.Fatalf("a refused request changed something: %+v %d", d, n.quits)
	}
}

// TestWatchSurvivesRestart: the watch stream sends the full status, then
// changes; when the daemon restarts the client reconnects and gets the
// full status again.
func TestWatchSurvivesRestart(t *testing.T) {
	sock := sockPath(t)
	n := &fakeNode{snap: node.Snapshot{State: node.StateJoining}}
	r := serve(t, sock, n, me())
	got := make(chan api.Status, 64)
	downs := make(chan error, 8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&api.Client{Socket: sock}).WatchForever(ctx, func(s api.Status) { got <- s }, func(err error) { downs <- err }, 200*time.Millisecond)
	want := func(state api.NodeState) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case s := <-got:
				if s.State == state {
					return
				}
			case <-deadline:
				t.Fatalf("no status %q", state)
			}
		}
	}
	want("joining")
	n.set(node.StateAvailable)
	want("available")
	r.stop() // the daemon stops…
	select {
	case <-downs:
	case <-time.After(5 * time.Second):
		t.Fatal("the client did not notice the daemon stopping")
	}
	n2 := &fakeNode{snap: node.Snapshot{State: node.StateBusy}}
	serve(t, sock, n2, me()) // …and comes back
	want("busy")
}

func TestLedgerEndpoints(t *testing.T) {
	l, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	now := time.Now()
	for i, o := range []ledger.Outcome{ledger.Paid, ledger.Paid, ledger.Slashed} {
		id := uint64(i + 1)
		if err := l.Receive(ctx, id, "image", []string{"base:runwayml/stable-diffusion-v1-5"}, now.Add(-time.Duration(3-i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
		earned, lost := big.NewInt(333_333_333_333_333), new(big.Int)
		if o == ledger.Slashed {
			earned, lost = new(big.Int), big.NewInt(1e18)
		}
		if err := l.Settle(ctx, id, o, earned, lost, "", now.Add(-time.Duration(3-i)*time.Hour+time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	r := serve(t, sockPath(t), &fakeNode{}, me())
	// serve made a server without a ledger: the endpoints say so.
	if _, err := r.client.Totals(ctx); !api.IsCode(err, api.CodeUnavailable) {
		t.Fatalf("no ledger: %v", err)
	}
	r.stop()
	r = serveWith(t, sockPath(t), &fakeNode{}, l)

	tot, err := r.client.Totals(ctx)
	if err != nil || tot.Tasks != 3 || tot.ByOutcome["paid"] != 2 || tot.ByOutcome["slashed"] != 1 || tot.Earned != "666666666666666" || tot.Lost != "1000000000000000000" {
		t.Fatalf("totals %+v %v", tot, err)
	}
	tasks, err := r.client.Tasks(ctx, 2)
	if err != nil || len(tasks) != 2 || tasks[0].ID != 3 || tasks[0].Outcome != "slashed" || tasks[0].Times["received_at"].IsZero() {
		t.Fatalf("tasks %+v %v", tasks, err)
	}
	hours, err := r.client.Earnings(ctx, "hour")
	if err != nil || len(hours) != 24 {
		t.Fatalf("%d hourly buckets, %v", len(hours), err)
	}
	sum := new(big.Int)
	for _, b := range hours {
		v, _ := new(big.Int).SetString(b.Earned, 10)
		sum.Add(sum, v)
	}
	if sum.String() != "666666666666666" {
		t.Fatalf("hourly sum %s", sum)
	}
	days, err := r.client.Earnings(ctx, "day")
	if err != nil || len(days) != 30 {
		t.Fatalf("%d daily buckets, %v", len(days), err)
	}
	for _, bad := range []string{"week", ""} {
		if _, err := r.client.Earnings(ctx, bad); !api.IsCode(err, api.CodeBadQuery) {
			t.Errorf("by=%q: %v", bad, err)
		}
	}
	for _, bad := range []int{0, -1, MaxTasks + 1} {
		if _, err := r.client.Tasks(ctx, bad); !api.IsCode(err, api.CodeBadQuery) {
			t.Errorf("limit=%d: %v", bad, err)
		}
	}
}

// serveWith is serve with a ledger.
func serveWith(t *testing.T, sock string, n *fakeNode, l Ledger) *rig {
	t.Helper()
	gov := governor.New(governor.Options{Policy: policy.Defaults(), Gate: n})
	ln, err := Open(sock, Access{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &Server{Node: n, Governor: gov, Ledger: l, Access: me()}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ctx, ln) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return &rig{sock: sock, node: n, gov: gov, client: &api.Client{Socket: sock}, stop: stop}
}

func TestSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	st, err := settings.Open(path, settings.Defaults(false))
	if err != nil {
		t.Fatal(err)
	}
	n := &fakeNode{}
	gov := governor.New(governor.Options{Policy: st.Policy(), Gate: n})
	sock := sockPath(t)
	ln, err := Open(sock, Access{})
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Node: n, Governor: gov, Settings: st, Access: me()}
	ctx, cancel := context.WithCancel(context.Background())
	applied := make(chan policy.Config, 16) // as the daemon applies them
	go func() {
		for s := range st.Subscribe(ctx) {
			c := settings.Policy(s)
			gov.SetPolicy(c)
			applied <- c
		}
	}()
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	c := &api.Client{Socket: sock}

	got, err := c.Settings(ctx)
	if err != nil || got.IdleMinutes == nil || *got.IdleMinutes != 10 || *got.TempLimitC != 83 || got.Schedule == nil || *got.Headless {
		t.Fatalf("defaults %+v %v", got, err)
	}
	five, never := 5, [7][24]uint8{}
	never[time.Sunday][3] = 1
	got, err = c.PatchSettings(ctx, api.Settings{IdleMinutes: &five, Schedule: &never})
	if err != nil || *got.IdleMinutes != 5 || got.Schedule[time.Sunday][3] != 1 || *got.TempLimitC != 83 {
		t.Fatalf("patched %+v %v", got, err)
	}
	for heard := false; !heard; {
		select {
		case c := <-applied:
			heard = c.AwayAfter == 5*time.Minute && c.Schedule[time.Sunday][3] == policy.Never
		case <-time.After(10 * time.Second):
			t.Fatal("the settings' subscribers never heard of the change")
		}
	}
	before, _ := os.ReadFile(path)

	hot, lang, schedBad := uint32(300), "tlh", [7][24]uint8{}
	schedBad[0][0] = 7
	for name, p := range map[string]api.Settings{
		"temperature": {TempLimitC: &hot},
		"language":    {Language: &lang},
		"schedule":    {Schedule: &schedBad},
		"allow path":  {Allow: &[]string{"/usr/bin/game"}},
		"idle zero":   {IdleMinutes: new(int)},
		"proxy ftp":   {Proxy: ptr("ftp://proxy.example:21")},
		"proxy bare":  {Proxy: ptr("proxy.example:3128")},
		"proxy path":  {Proxy: ptr("http://proxy.example:3128/x?y")},
		"mirror http": {HFEndpoint: ptr("http://hf-mirror.example")},
		"mirror junk": {HFEndpoint: ptr("not a url")},
		"limit":       {DownloadLimitMBps: ptr(-1.0)},
		"mirror net":  {MirrorNetworks: &[]string{"192.168.1.0/33"}},
		"mirror name": {MirrorNetworks: &[]string{"nas.local"}},
		"max dl":      {MaxDownloadGB: new(int)},
	} {
		if _, err := c.PatchSettings(ctx, p); !api.IsCode(err, api.CodeBadSetting) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a refused patch changed the file")
	}
	proxy, mirror, limit := "socks5://127.0.0.1:1080", "https://hf-mirror.example/hf", 2.5
	if _, err := c.PatchSettings(ctx, api.Settings{Proxy: &proxy, HFEndpoint: &mirror, DownloadLimitMBps: &limit}); err != nil {
		t.Fatal(err)
	}
	if d := st.Downloads(); d.Proxy == nil || d.Proxy.String() != proxy || d.HFEndpoint != mirror || d.Limit != 2.5e6 {
		t.Fatalf("download settings %+v", d)
	}
	// No private network is open to downloads until the owner names it
	// (a mirror on the LAN); the cap on a link's size is a setting.
	if d := st.Downloads(); len(d.AllowPrivateHosts) != 0 || d.MaxBytes != models.DefaultMaxBytes {
		t.Fatalf("default download allowances %+v", d)
	}
	maxGB := 5
	if _, err := c.PatchSettings(ctx, api.Settings{MirrorNetworks: &[]string{"192.168.1.7", "10.0.0.0/8"}, MaxDownloadGB: &maxGB}); err != nil {
		t.Fatal(err)
	}
	if d := st.Downloads(); fmt.Sprint(d.AllowPrivateHosts) != "[192.168.1.7/32 10.0.0.0/8]" || d.MaxBytes != 5<<30 {
		t.Fatalf("download allowances %v %d", d.AllowPrivateHosts, d.MaxBytes)
	}
	// Saved: a restart reads them back.
	again, err := settings.Open(path, settings.Defaults(false))
	if err != nil || *again.Get().IdleMinutes != 5 {
		t.Fatalf("reopened %+v %v", again.Get(), err)
	}
	os.WriteFile(path, []byte(`{"tempLimitC": 999}`), 0o600)
	if _, err := settings.Open(path, settings.Defaults(false)); err == nil {
		t.Fatal("an invalid settings file was accepted")
	}
}

func TestLogs(t *testing.T) {
	var out strings.Builder
	ring := NewLogRing(slog.NewTextHandler(&out, nil), 3)
	log := slog.New(ring).With("node", "0xabc")
	for i := range 5 {
		log.Info("line", "i", i)
	}
	if !strings.Contains(out.String(), "i=0") || !strings.Contains(out.String(), "i=4") {
		t.Fatal("records did not reach the daemon's own handler")
	}
	if tail := ring.Tail(10); len(tail) != 3 || !strings.Contains(tail[0], "i=2") || !strings.Contains(tail[2], "i=4") || !strings.Contains(tail[2], "node=0xabc") {
		t.Fatalf("tail %q", tail)
	}
	n := &fakeNode{}
	sock := sockPath(t)
	ln, err := Open(sock, Access{})
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Node: n, Governor: governor.New(governor.Options{Policy: policy.Defaults(), Gate: n}), Logs: ring, Access: me()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	c := &api.Client{Socket: sock}
	lines, err := c.Logs(ctx, 2)
	if err != nil || len(lines) != 2 || !strings.Contains(lines[1], "i=4") {
		t.Fatalf("%q %v", lines, err)
	}
	for _, bad := range []int{0, MaxLogLines + 1} {
		if _, err := c.Logs(ctx, bad); !api.IsCode(err, api.CodeBadQuery) {
			t.Errorf("lines=%d: %v", bad, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }
