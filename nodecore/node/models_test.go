package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// fakeStore is a model store in memory.
type fakeStore struct {
	mu      sync.Mutex
	held    []string
	pending []string
	fail    error
	inUse   int // models held by Use and not released
}

func (f *fakeStore) Held() []string { f.mu.Lock(); defer f.mu.Unlock(); return slices.Clone(f.held) }
func (f *fakeStore) Has(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Contains(f.held, id)
}
func (f *fakeStore) Fetch(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.pending = slices.DeleteFunc(f.pending, func(x string) bool { return x == id })
	if !slices.Contains(f.held, id) {
		f.held = append(f.held, id)
	}
	return nil
}
func (f *fakeStore) Unpin(string) {}
func (f *fakeStore) Pending() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.pending)
}
func (f *fakeStore) Use(string) (func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inUse++
	return func() { f.mu.Lock(); f.inUse--; f.mu.Unlock() }, nil
}
func (f *fakeStore) using() int        { f.mu.Lock(); defer f.mu.Unlock(); return f.inUse }
func (f *fakeStore) set(ids ...string) { f.mu.Lock(); f.held = ids; f.mu.Unlock() }
func hashes(ids ...string) (out []common.Hash) {
	for _, id := range ids {
		out = append(out, chain.ModelHash(id))
	}
	slices.SortFunc(out, func(a, b common.Hash) int { return a.Cmp(b) })
	return out
}

// TestModelsDeclaredAndReconciled: a node declares its store's models
// when it joins; restarted after one was deleted and another added, it
// tells the chain both.
func TestModelsDeclaredAndReconciled(t *testing.T) {
	w := newWorld(t, 0)
	store := &fakeStore{held: []string{"base:org/a", "lora:org/b"}}
	r := &running{acct: w.net.Accounts[0], ledger: filepath.Join(t.TempDir(), "ledger.db"), noise: 1, store: store}
	w.start(r, nil)
	w.waitState(r, StateAvailable)
	onChain := func() []common.Hash {
		hs, err := r.acct.Client.NodeModels(context.Background(), r.acct.Addr)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(hs, func(a, b common.Hash) int { return a.Cmp(b) })
		return hs
	}
	if got := onChain(); !slices.Equal(got, hashes("base:org/a", "lora:org/b")) {
		t.Fatalf("declared %v", got)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	store.set("lora:org/b", "controlnet:org/c")
	store.mu.Lock()
	store.pending = []string{"base:org/cut"} // a download the stop cut short
	store.mu.Unlock()
	w.start(r, nil)
	w.waitState(r, StateAvailable)
	want := hashes("lora:org/b", "controlnet:org/c", "base:org/cut")
	deadline := time.Now().Add(10 * time.Second)
	for got := onChain(); !slices.Equal(got, want); got = onChain() {
		if time.Now().After(deadline) {
			t.Fatalf("after the restart the chain lists %v, want %v", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A download request for a model nobody can name is logged, not
	// fatal; one the node can name is fetched and reported.
	nameWait = 300 * time.Millisecond
	defer func() { nameWait = 2 * time.Minute }()
	r.node.downloadRequested(context.Background(), chain.ModelHash("base:nobody/knows"))
	r.node.namesMu.Lock()
	r.node.names[chain.ModelHash("base:org/d")] = "base:org/d"
	r.node.names[chain.ModelHash("base:org/e")] = "base:org/e"
	r.node.namesMu.Unlock()
	r.node.downloadRequested(context.Background(), chain.ModelHash("base:org/d"))
	r.node.bg.Wait()
	if !store.Has("base:org/d") || slices.Contains(store.Held(), "base:nobody/knows") {
		t.Fatalf("held %v", store.Held())
	}
	if got := onChain(); !slices.Contains(got, chain.ModelHash("base:org/d")) {
		t.Fatalf("not reported: %v", got)
	}
	store.mu.Lock()
	store.fail = errors.New("disk full")
	store.mu.Unlock()
	r.node.downloadRequested(context.Background(), chain.ModelHash("base:org/e"))
	r.node.bg.Wait()
	if got := onChain(); slices.Contains(got, chain.ModelHash("base:org/e")) {
		t.Fatal("a model that failed to download was reported")
	}
}

// TestModelsFreeOnceComputed: a task's models are in use while the engine
// runs and free from the moment the output exists, before the commitment:
// by the time the ledger says paid, the owner can always delete them.
func TestModelsFreeOnceComputed(t *testing.T) {
	w := newWorld(t, 2)
	store := &fakeStore{held: []string{"base:org/sd15"}}
	var mu sync.Mutex
	atPhase := map[string]int{}
	r := &running{acct: w.spare(), ledger: filepath.Join(t.TempDir(), "ledger.db"), noise: 3, store: store}
	w.start(r, func(phase string, _ uint64) bool {
		mu.Lock()
		defer mu.Unlock()
		if _, seen := atPhase[phase]; !seen {
			atPhase[phase] = store.using()
		}
		return false
	})
	w.waitState(r, StateAvailable)
	w.nodes = append(w.nodes, r)
	id := w.createTaskFor("image", "base:org/sd15", 1)
	w.waitSettled(id)
	if e, err := w.entry(r, id); err != nil || e.Outcome != ledger.Paid {
		t.Fatalf("the task ended %+v %v, want paid", e, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if n, ok := atPhase[PhaseFetched]; !ok || n != 0 {
		t.Errorf("models in use when fetched: %d (seen %v)", n, ok)
	}
	if n, ok := atPhase[PhaseComputed]; !ok || n != 0 {
		t.Errorf("models in use once computed: %d (seen %v), want 0", n, ok)
	}
	if got := store.using(); got != 0 {
		t.Errorf("models still in use after the task: %d", got)
	}
}

// TestRunningTaskEstimate: while the engine runs, RunningTask says so,
// with the time to the commit deadline before the node has timed its
// engine, then the engine's usual time less what has passed.
func TestRunningTaskEstimate(t *testing.T) {
	w := newWorld(t, 2)
	r := &running{acct: w.spare(), ledger: filepath.Join(t.TempDir(), "ledger.db"), noise: 3,
		engine: reference.Engine{Work: 400 * time.Millisecond}}
	w.start(r, nil)
	w.waitState(r, StateAvailable)
	w.nodes = append(w.nodes, r)
	if running, _ := r.node.RunningTask(); running {
		t.Fatal("running before any task")
	}
	watch := func(id uint64) (maxLeft time.Duration) {
		seen := false
		for !w.settledEverywhere(id) {
			if running, left := r.node.RunningTask(); running {
				seen, maxLeft = true, max(maxLeft, left)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if !seen {
			t.Fatalf("task %d: never seen running", id)
		}
		return maxLeft
	}
	if left := watch(w.createTask("image", 1)); left < 30*time.Second {
		t.Errorf("first task: %s left, want the time to its commit deadline (minutes)", left)
	}
	if left := watch(w.createTask("image", 2)); left > 2*time.Second {
		t.Errorf("second task: %s left, want about the engine's usual 400ms", left)
	}
	if running, _ := r.node.RunningTask(); running {
		t.Error("still running after the tasks")
	}
}

// refusingEngine is the reference engine with a check that refuses every
// workflow, as the ComfyUI adapter refuses one outside its allowlist.
type refusingEngine struct{ reference.Engine }

func (refusingEngine) Check(a engine.Args) error {
	if len(a.Workflow) > 0 {
		return fmt.Errorf("%w: workflow refused", engine.ErrBadArgs)
	}
	return nil
}

// TestFinding5DownloadsTiedToTheChain: a node fetches only models whose
// hashes the task's spec lists, only after the engine accepted the
// workflow, and never for arguments naming more models than a task may:
// such arguments are voted invalid (the creator's fault) and no store
// downloads anything for them.
func TestFinding5DownloadsTiedToTheChain(t *testing.T) {
	w := newWorld(t, 3)
	stores := make([]*fakeStore, len(w.nodes))
	for i, r := range w.nodes {
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
		stores[i] = &fakeStore{held: []string{"base:org/sd15"}}
		r.store, r.engine = stores[i], refusingEngine{reference.Engine{NoisePixels: 12, NoiseSeed: r.noise}}
		w.start(r, nil)
		w.waitState(r, StateAvailable)
	}
	image := engine.Args{Kind: engine.KindImage, Model: "base:org/sd15", Prompt: "a lighthouse", Width: 128, Height: 128, Count: 1}
	unlisted := image
	unlisted.Models = []string{"lora:org/unlisted"}
	workflow := image
	workflow.Models = []string{"base:org/wf"}
	workflow.Workflow = json.RawMessage(`{"1":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"base:org/wf"}}}`)
	many := image
	for i := range 5001 {
		many.Models = append(many.Models, fmt.Sprintf("base:org/m%d", i))
	}
	cases := []struct {
		name  string
		a     engine.Args
		spec  []string
		never string
	}{
		{"a model the chain does not list", unlisted, []string{"base:org/sd15"}, "lora:org/unlisted"},
		{"a workflow the engine refuses", workflow, []string{"base:org/sd15", "base:org/wf"}, "base:org/wf"},
		{"5,001 models", many, []string{"base:org/sd15", "base:org/m0"}, "base:org/m0"},
	}
	for i, tc := range cases {
		id := w.createTaskArgs(tc.a, 10+i, tc.spec...)
		w.waitSettled(id)
		for j, s := range stores {
			if s.Has(tc.never) {
				t.Errorf("%s: node %d fetched %s", tc.name, j, tc.never)
			}
		}
		for _, r := range w.nodes {
			// Voted the creator's fault: the nodes get the share of the
			// fee the creator forfeits for unusable arguments.
			if e, err := w.entry(r, id); err != nil || e.Outcome != ledger.Paid || e.Reason != string(api.TaskNoArgumentsPaid) {
				t.Errorf("%s: the task ended %+v %v for %s, want the arguments' share", tc.name, e, err, r.acct.Addr)
			}
		}
	}
	// Arguments the chain lists run as before.
	id := w.createTaskArgs(image, 20, "base:org/sd15")
	w.waitSettled(id)
	if e, err := w.entry(w.nodes[0], id); err != nil || e.Outcome != ledger.Paid {
		t.Fatalf("a listed task ended %+v %v, want paid", e, err)
	}
}
