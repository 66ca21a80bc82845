package localapi

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// TestModels lists the store (a stray file is not a model; a partial
// download without its state is cleared when the store opens) and
// deletes a model, refusing a bad ID, a path escape, a model the running
// task needs and one that is not there.
func TestModels(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, n int) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("checkpoints/runwayml/stable-diffusion-v1-5.safetensors", 1000)
	write("loras/civitai/pixel-art.safetensors", 300)
	write("checkpoints/runwayml/partial.safetensors.part", 50)
	write("stray.txt", 7)
	outside := filepath.Join(t.TempDir(), "keep.safetensors")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	n := &fakeNode{snap: node.Snapshot{State: node.StateBusy, Task: 9, TaskKind: "image", TaskModel: "lora:civitai/pixel-art", TaskPhase: node.PhaseRunning}}
	store, _, err := models.Open(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := serve(t, sockPath(t), n, me(), func(s *Server) { s.Models = store })
	ctx := context.Background()
	ms, err := r.client.Models(ctx)
	if err != nil || len(ms.Models) != 2 || ms.UsedBytes != 1300 || ms.Models[0].ID != "base:runwayml/stable-diffusion-v1-5" || ms.Models[0].Bytes != 1000 || ms.Models[0].InUse || !ms.Models[1].InUse {
		t.Fatalf("%+v %v", ms, err)
	}
	for id, code := range map[string]string{
		"":                               api.CodeBadModel,
		"base:../../" + outside:          api.CodeBadModel,
		"lora:civitai/pixel-art":         api.CodeModelInUse,
		"base:runwayml/sdxl":             api.CodeNoSuchModel,
		"checkpoints/runwayml/partial":   api.CodeBadModel,
		"base:runwayml/stable/diffusion": api.CodeBadModel,
	} {
		if err := r.client.DeleteModel(ctx, id); !api.IsCode(err, code) {
			t.Errorf("delete %q: want %s, got %v", id, code, err)
		}
	}
	if err := r.client.DeleteModel(ctx, "base:runwayml/stable-diffusion-v1-5"); err != nil {
		t.Fatal(err)
	}
	if ms, err := r.client.Models(ctx); err != nil || len(ms.Models) != 1 || ms.UsedBytes != 300 {
		t.Fatalf("after deleting: %+v %v", ms, err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Fatal("a file outside the cache is gone")
	}
	// The status names the task being run.
	if s, err := r.client.Status(ctx); err != nil || s.Current == nil || s.Current.Model != "lora:civitai/pixel-art" || s.Current.Phase != "running" || s.Current.ID != 9 {
		t.Fatalf("status %+v %v", s, err)
	}
}

// fakeSetup records the wizard's steps.
type fakeSetup struct {
	mu      sync.Mutex
	needs   []string
	started bool
	addr    string
	backups int
}

func (f *fakeSetup) State() api.SetupState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return api.SetupState{Needs: append([]string{}, f.needs...), Started: f.started, Address: f.addr}
}
func (f *fakeSetup) Backup(_ context.Context, pass string) (api.WalletBackup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(pass) < 8 {
		return api.WalletBackup{}, &api.Error{Code: api.CodeWeakPassphrase, Message: "short", Status: http.StatusBadRequest}
	}
	f.backups++
	return api.WalletBackup{Address: f.addr, Keystore: []byte(`{"version":3}`)}, nil
}
func (f *fakeSetup) Wallet(context.Context, api.WalletSetup) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.needs = f.needs[1:]
	f.addr = "0x1"
	return "0x1", nil
}
func (f *fakeSetup) Network(context.Context, api.NetworkSetup) error {
	return &api.Error{Code: api.CodeNoDemo, Message: "none", Status: http.StatusBadRequest}
}
func (f *fakeSetup) Doctor(context.Context) []api.Check {
	return []api.Check{{Name: "OS", Status: "ok"}}
}
func (f *fakeSetup) Start(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = true
	return nil
}

// TestSetupModeThenAttach serves the API before the node exists: the
// status says setup, node endpoints answer not ready, the setup's own
// errors keep their codes, and a watch open since setup moves on to the
// node's status when it is attached.
func TestSetupModeThenAttach(t *testing.T) {
	sock := sockPath(t)
	ln, err := Open(sock, Access{})
	if err != nil {
		t.Fatal(err)
	}
	fs := &fakeSetup{needs: []string{api.NeedWallet, api.NeedNetwork}}
	srv := &Server{Setup: fs, Access: me()}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); srv.Serve(ctx, ln) }()
	defer func() { cancel(); wg.Wait() }()
	c := &api.Client{Socket: sock}
	if s, err := c.Status(ctx); err != nil || s.State != api.StateSetup || s.Reason != "wallet,network" {
		t.Fatalf("%+v %v", s, err)
	}
	for name, call := range map[string]func() error{
		"control":  func() error { return c.Control(ctx, api.Control{Action: api.ActionPause}) },
		"presence": func() error { return c.ReportPresence(ctx, api.Presence{At: time.Now()}) },
		"wallet":   func() error { _, err := c.Wallet(ctx); return err },
		"network":  func() error { _, err := c.Network(ctx); return err },
		"withdraw": func() error { _, err := c.Withdraw(ctx, api.Withdraw{To: "0x1", Amount: "1"}); return err },
	} {
		if err := call(); !api.IsCode(err, api.CodeNotReady) {
			t.Errorf("%s in setup: %v", name, err)
		}
	}
	if _, err := c.SetupNetwork(ctx, api.NetworkSetup{Demo: true}); !api.IsCode(err, api.CodeNoDemo) {
		t.Fatalf("setup error code: %v", err)
	}
	if st, err := c.SetupWallet(ctx, api.WalletSetup{Create: true}); err != nil || len(st.Needs) != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	states := make(chan api.NodeState, 16)
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	go c.Watch(wctx, func(s api.Status) { states <- s.State })
	if got := <-states; got != api.StateSetup {
		t.Fatalf("first watch event %s", got)
	}
	n := &fakeNode{snap: node.Snapshot{State: node.StateAvailable, Address: common.HexToAddress("0xabc")}}
	gov := governor.New(governor.Options{Policy: policy.Defaults(), Gate: n})
	srv.Attach(Parts{Node: n, Governor: gov})
	timeout := time.After(5 * time.Second)
	for {
		select {
		case s := <-states:
			if s == "available" {
				if err := c.Control(ctx, api.Control{Action: api.ActionPause}); err != nil {
					t.Fatal(err)
				}
				return
			}
		case <-timeout:
			t.Fatal("the watch did not move on to the node")
		}
	}
}

// TestDownloads: the status carries the downloads under way, /models
// those and the last ended, and a watch hears of progress.
func TestDownloads(t *testing.T) {
	var mu sync.Mutex
	ds := []models.DownloadStatus{
		{ID: "base:org/a", State: models.DownloadRunning, Progress: models.Progress{Done: 10, Total: 100, Rate: 5, ETA: 18 * time.Second}},
		{ID: "lora:org/b", State: models.DownloadFailed, Err: "fetch lora:org/b: " + models.ErrNotFound.Error(), Failure: fmt.Errorf("fetch lora:org/b: %w", models.ErrNotFound), Progress: models.Progress{ETA: -1}},
	}
	store, _, err := models.Open(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ticks watch.Hub[struct{}]
	r := serve(t, sockPath(t), &fakeNode{snap: node.Snapshot{State: node.StateAvailable}}, me(), func(s *Server) {
		s.Models = store
		s.Downloads = &fakeDownloads{list: func() []models.DownloadStatus { mu.Lock(); defer mu.Unlock(); return slices.Clone(ds) }, hub: &ticks}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := r.client.Status(ctx)
	if err != nil || len(st.Downloads) != 1 || st.Downloads[0].ID != "base:org/a" || st.Downloads[0].Done != 10 || st.Downloads[0].ETA != api.Duration(18*time.Second) {
		t.Fatalf("status %+v %v", st.Downloads, err)
	}
	ms, err := r.client.Models(ctx)
	if err != nil || len(ms.Downloads) != 2 || ms.Downloads[1].State != api.DownloadFailed || ms.Downloads[1].Problem != api.DownloadNotFound || ms.Downloads[1].Error == "" || ms.Downloads[1].ETA != api.Unknown || ms.Downloads[0].Problem != "" {
		t.Fatalf("models %+v %v", ms.Downloads, err)
	}
	events := make(chan api.Status, 16)
	go func() { _ = r.client.Watch(ctx, func(s api.Status) { events <- s }) }()
	<-events // the full status first
	mu.Lock()
	ds[0].Done = 60
	mu.Unlock()
	ticks.Publish(struct{}{})
	for {
		select {
		case s := <-events:
			if len(s.Downloads) == 1 && s.Downloads[0].Done == 60 {
				return
			}
		case <-ctx.Done():
			t.Fatal("the watch never heard of the progress")
		}
	}
}

// TestQuotaChangeEvicts: lowering the quota frees room at once, evicting
// the least recently used model, never the one in use.
func TestQuotaChangeEvicts(t *testing.T) {
	dir := t.TempDir()
	sets, err := settings.Open(filepath.Join(t.TempDir(), "settings.json"), settings.Defaults(false))
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"checkpoints/org/old.safetensors", "checkpoints/org/used.safetensors", "loras/org/new.safetensors"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(400 << 20); err != nil { // sparse: takes no disk; 1200 MiB in all
			t.Fatal(err)
		}
		f.Close()
	}
	store, _, err := models.Open(dir, func() int64 { return int64(*sets.Get().QuotaGB) << 30 }, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	store.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	for _, id := range []string{"base:org/old", "lora:org/new"} {
		release, err := store.Acquire(mustParse(t, id))
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	inUse, err := store.Acquire(mustParse(t, "base:org/used")) // the oldest use of all, but in use
	if err != nil {
		t.Fatal(err)
	}
	defer inUse()
	store.Now = time.Now
	r := serve(t, sockPath(t), &fakeNode{}, me(), func(s *Server) { s.Models, s.Settings = store, sets })
	one := 1
	if _, err := r.client.PatchSettings(context.Background(), api.Settings{QuotaGB: &one}); err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, e := range store.List() {
		held = append(held, e.ID)
	}
	slices.Sort(held)
	if !slices.Equal(held, []string{"base:org/used", "lora:org/new"}) {
		t.Fatalf("held after the quota change: %v", held)
	}
}

func mustParse(t *testing.T, s string) models.ID {
	t.Helper()
	id, err := models.ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestWalletBackupNeedsAFreshConfirmation: the wallet leaves the daemon
// only against an offer made less than BackupTTL before, once, and only
// under a passphrase of at least 8 characters.
func TestWalletBackupNeedsAFreshConfirmation(t *testing.T) {
	sock := sockPath(t)
	ln, err := Open(sock, Access{})
	if err != nil {
		t.Fatal(err)
	}
	fs := &fakeSetup{needs: []string{api.NeedWallet, api.NeedNetwork}}
	clock := time.Now()
	var mu sync.Mutex
	srv := &Server{Setup: fs, Access: me(), Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = srv.Serve(ctx, ln) }()
	c := &api.Client{Socket: sock}
	if _, err := c.OfferBackup(ctx); !api.IsCode(err, api.CodeNotReady) {
		t.Fatalf("a backup without a wallet: %v", err)
	}
	if _, err := c.SetupWallet(ctx, api.WalletSetup{Create: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetupWallet(ctx, api.WalletSetup{Create: true, Keystore: []byte(`{}`)}); !api.IsCode(err, api.CodeBadRequest) {
		t.Fatalf("create and restore at once: %v", err)
	}
	if _, err := c.ConfirmBackup(ctx, "made-up", "long enough passphrase"); !api.IsCode(err, api.CodeNoQuote) {
		t.Fatalf("no offer: %v", err)
	}
	o, err := c.OfferBackup(ctx)
	if err != nil || o.Address != "0x1" {
		t.Fatalf("offer %+v %v", o, err)
	}
	if _, err := c.ConfirmBackup(ctx, o.ID, "short"); !api.IsCode(err, api.CodeWeakPassphrase) {
		t.Fatalf("a short passphrase: %v", err)
	}
	if _, err := c.ConfirmBackup(ctx, o.ID, "long enough passphrase"); !api.IsCode(err, api.CodeNoQuote) {
		t.Fatalf("an offer used twice: %v", err)
	}
	o, _ = c.OfferBackup(ctx)
	mu.Lock()
	clock = clock.Add(BackupTTL + time.Second)
	mu.Unlock()
	if _, err := c.ConfirmBackup(ctx, o.ID, "long enough passphrase"); !api.IsCode(err, api.CodeNoQuote) {
		t.Fatalf("an expired offer: %v", err)
	}
	b, err := c.BackupWallet(ctx, "long enough passphrase")
	if err != nil || b.Address != "0x1" || string(b.Keystore) != `{"version":3}` {
		t.Fatalf("backup %+v %v", b, err)
	}
	if fs.backups != 1 {
		t.Fatalf("%d backups handed out, want 1", fs.backups)
	}
}

// fakeDownloads lists what the test sets and ticks when it says.
type fakeDownloads struct {
	list func() []models.DownloadStatus
	hub  *watch.Hub[struct{}]
}

func (f *fakeDownloads) Downloads() []models.DownloadStatus        { return f.list() }
func (f *fakeDownloads) Watch(ctx context.Context) <-chan struct{} { return f.hub.Subscribe(ctx) }

// TestDownloadProblems: every failure the model manager knows reaches
// the API as its code, anything else as download_failed.
func TestDownloadProblems(t *testing.T) {
	for err, want := range map[error]api.DownloadProblem{
		models.ErrNotFound: api.DownloadNotFound, models.ErrForbidden: api.DownloadRefused, models.ErrChecksum: api.DownloadChecksum,
		models.ErrStalled: api.DownloadStalled, models.ErrTooLarge: api.DownloadTooLarge, models.ErrPrivateAddress: api.DownloadPrivate,
		models.ErrInsecureRedirect: api.DownloadRedirect, models.ErrTooManyRedirects: api.DownloadRedirect, models.ErrQuota: api.DownloadNoRoom,
		models.ErrDiskFull: api.DownloadNoRoom, models.ErrNotInCatalog: api.DownloadUnknownModel, fmt.Errorf("dial: refused"): api.DownloadFailedOther,
	} {
		d := models.DownloadStatus{State: models.DownloadFailed, Failure: fmt.Errorf("fetch: %w", err)}
		if got := downloadProblem(d); got != want {
			t.Errorf("%v: %s, want %s", err, got, want)
		}
	}
	if got := downloadProblem(models.DownloadStatus{State: models.DownloadRunning}); got != "" {
		t.Errorf("a running download has problem %q", got)
	}
}
