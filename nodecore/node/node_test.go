package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
)

// world is a chain, a relay, an application and nodes run by this package.
type world struct {
	t     *testing.T
	net   *simchain.Net
	app   *simchain.Account
	relay string
	nodes []*running
	hands []*simchain.Account // funded accounts no node runs (newWorldFull)
	ahead atomic.Int64        // how far the chain's clock was moved past the wall clock (ns)
}

type running struct {
	acct   *simchain.Account
	ledger string
	node   *Node
	cancel context.CancelFunc
	done   chan error
	noise  uint64
	engine engine.Engine // nil: the reference engine with noise
	store  ModelStore
	// noAutoRejoin: after a QoS kick, wait for Rejoin.
	noAutoRejoin bool
}

func newWorld(t *testing.T, nodes int) *world {
	t.Helper()
	return newWorldWith(t, nodes, nil)
}

// newWorldWith is newWorld on a protocol deployed with p (DefaultParams
// when nil).
func newWorldWith(t *testing.T, nodes int, p *chain.Params) *world {
	t.Helper()
	return newWorldFull(t, nodes, 0, p)
}

// newWorldFull is newWorldWith with extra funded accounts that no node
// runs (w.hands), for a test to act with by hand.
func newWorldFull(t *testing.T, nodes, extra int, p *chain.Params) *world {
	t.Helper()
	if p == nil {
		p = testParams()
	}
	n := simchain.New(t, nodes+2+extra, p) // the nodes, the application, the extra accounts, a spare for tests
	w := &world{t: t, net: n, app: n.Accounts[nodes], hands: n.Accounts[nodes+1 : nodes+1+extra]}
	srv, err := relay.NewServer(w.app.Client, t.TempDir(), relay.DefaultLimits, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	w.relay = hs.URL
	for i := range nodes {
		r := &running{acct: n.Accounts[i], ledger: filepath.Join(t.TempDir(), "ledger.db"), noise: uint64(i + 1)}
		w.nodes = append(w.nodes, r)
		w.start(r, nil)
	}
	for _, r := range w.nodes {
		w.waitState(r, StateAvailable)
	}
	return w
}

// testParams are the default parameters with the waits that protect a
// public network (unbonding, the delay before a removed node rejoins)
// set to nothing, so that tests of leaving and rejoining run in seconds.
func testParams() *chain.Params {
	p := chain.DefaultParams()
	p.Registry.UnbondingPeriod = 0
	p.Registry.RejoinDelay = 0
	return &p
}

// followChainClock moves the nodes' clock up to the chain's: the
// simulated chain mines a block per transaction, each at least a second
// after the last, so a busy world's chain runs ahead of the wall clock
// (and a node that starts refuses a clock a minute off the chain's).
func (w *world) followChainClock() {
	w.t.Helper()
	h, err := w.net.Backend.HeaderByNumber(context.Background(), nil)
	if err != nil {
		w.t.Fatal(err)
	}
	if lead := time.Until(time.Unix(int64(h.Time), 0)); lead > time.Duration(w.ahead.Load()) {
		w.ahead.Store(int64(lead))
	}
}

// advance moves the chain's clock, and the nodes', forward by d.
func (w *world) advance(d time.Duration) {
	w.ahead.Add(int64(d))
	w.net.Backend.Advance(d)
}

// spare is the funded account no node and no application uses.
func (w *world) spare() *simchain.Account { return w.net.Accounts[len(w.net.Accounts)-1] }

// start runs a node (again) on its ledger; crashAt may make it stop.
func (w *world) start(r *running, crashAt func(string, uint64) bool) {
	w.t.Helper()
	w.followChainClock()
	l, err := ledger.Open(r.ledger)
	if err != nil {
		w.t.Fatal(err)
	}
	var eng engine.Engine = reference.Engine{NoisePixels: 12, NoiseSeed: r.noise}
	if r.engine != nil {
		eng = r.engine
	}
	nd, err := New(Config{
		Backend: w.net.Backend, Network: w.net.Network, Key: r.acct.Key, RelayURL: w.relay,
		Engine: eng, Ledger: l,
		GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: chain.Version{Major: 1},
		Poll: 20 * time.Millisecond, MinTaskTime: 5 * time.Second, Log: testLog(), Store: r.store,
		Now:          func() time.Time { return time.Now().Add(time.Duration(w.ahead.Load())) },
		NoAutoRejoin: r.noAutoRejoin,
	})
	if err != nil {
		w.t.Fatal(err)
	}
	nd.crashAt = crashAt
	ctx, cancel := context.WithCancel(context.Background())
	r.node, r.cancel, r.done = nd, cancel, make(chan error, 1)
	go func() {
		err := nd.Run(ctx)
		l.Close()
		r.done <- err
	}()
	w.t.Cleanup(func() { r.stop() })
}

func (r *running) stop() error {
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	err := <-r.done
	r.cancel = nil
	return err
}

func (w *world) waitState(r *running, s State) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.node.Snapshot().State != s {
		if time.Now().After(deadline) {
			w.t.Fatalf("node %s is %s, want %s", r.acct.Addr, r.node.Snapshot().State, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// createTask creates a task and stores its arguments in the relay.
func (w *world) createTask(kind string, i int) uint64 {
	w.t.Helper()
	return w.createTaskFor(kind, "base:sd15", i)
}

// createTaskFor is createTask naming the model.
func (w *world) createTaskFor(kind, model string, i int) uint64 {
	w.t.Helper()
	a := engine.Args{Kind: kind, Model: model, Prompt: fmt.Sprintf("task %d: a lighthouse", i), Seed: int64(i), Width: 128, Height: 128, Count: 2, MaxTokens: 40}
	if kind == engine.KindText {
		a.Width, a.Height, a.Count = 0, 0, 0
	} else {
		a.MaxTokens = 0
	}
	// The spec names the model (a node fetches nothing the chain does not
	// list); validated work proves it for the nodes that were right.
	return w.createTaskArgs(a, i, model)
}

// createTaskArgs creates a task for the arguments a whose spec lists the
// models specModels, and stores a in the relay.
func (w *world) createTaskArgs(a engine.Args, i int, specModels ...string) uint64 {
	w.t.Helper()
	return w.createTaskDrawn(a, i, true, specModels...)
}

// createTaskDrawn is createTaskArgs; with draw false the application
// only creates the task and leaves its draw to others.
func (w *world) createTaskDrawn(a engine.Args, i int, draw bool, specModels ...string) uint64 {
	w.t.Helper()
	args, _ := json.Marshal(a)
	typ := chain.TaskImage
	if a.Kind == engine.KindText {
		typ = chain.TaskText
	}
	spec := chain.Spec{Type: typ, ArgsHash: relay.ArgsHash(args), MinVRAMMiB: 8192, Version: chain.Version{Major: 1}}
	for _, m := range specModels {
		spec.Models = append(spec.Models, chain.ModelHash(m))
	}
	create := func() (uint64, error) {
		id, _, _, err := w.app.Client.CreateTask(context.Background(), spec, 120, big.NewInt(1e15+int64(i)))
		return id, err
	}
	if !draw {
		create = func() (uint64, error) {
			id, _, err := w.app.Client.Create(context.Background(), spec, 120, big.NewInt(1e15+int64(i)))
			return id, err
		}
	}
	id, err := create()
	if err != nil {
		w.t.Fatal(err)
	}
	if err := relay.NewClient(w.relay, w.app.Key).PutArgs(context.Background(), id, args); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// settledEverywhere reports whether the task is settled on chain and in
// every selected node's ledger.
func (w *world) settledEverywhere(id uint64) bool {
	w.t.Helper()
	t, err := w.app.Client.Task(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	if t.State != chain.TaskDone && t.State != chain.TaskAborted {
		return false
	}
	for _, r := range w.nodes {
		if r.node.slotOf(t) < 0 {
			continue
		}
		if e, err := w.entry(r, id); err != nil || e.Outcome == ledger.Pending {
			return false
		}
	}
	return true
}

// waitSettled waits until settledEverywhere.
func (w *world) waitSettled(id uint64) chain.TaskInfo {
	w.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !w.settledEverywhere(id) {
		if time.Now().After(deadline) {
			w.t.Fatalf("task %d not settled everywhere in 60 s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t, err := w.app.Client.Task(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return t
}

// entry reads a node's ledger row through a second connection (WAL).
func (w *world) entry(r *running, id uint64) (ledger.Entry, error) {
	l, err := ledger.Open(r.ledger)
	if err != nil {
		return ledger.Entry{}, err
	}
	defer l.Close()
	return l.Get(context.Background(), id)
}

// checkPayments: every node's ledger equals what the chain owes it.
func (w *world) checkPayments() {
	w.t.Helper()
	for _, r := range w.nodes {
		l, err := ledger.Open(r.ledger)
		if err != nil {
			w.t.Fatal(err)
		}
		tot, err := l.Totals(context.Background())
		l.Close()
		if err != nil {
			w.t.Fatal(err)
		}
		owed, err := w.app.Client.FeeBalance(context.Background(), r.acct.Addr)
		if err != nil {
			w.t.Fatal(err)
		}
		if tot.Earned.Cmp(owed) != 0 {
			w.t.Errorf("node %s: ledger says %s wei earned, the chain owes %s", r.acct.Addr, tot.Earned, owed)
		}
	}
}

func TestNodesRunTasksEndToEnd(t *testing.T) {
	w := newWorld(t, 3)
	// Waiting, each node knows why: three ready nodes, no proof yet.
	waitFor := func(what string, ok func(Snapshot) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for _, r := range w.nodes {
			for !ok(r.node.Snapshot()) {
				if time.Now().After(deadline) {
					t.Fatalf("node %s: %s: %+v", r.acct.Addr, what, r.node.Snapshot())
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	waitFor("want 3 ready, not proven", func(s Snapshot) bool { return s.Ready == 3 && !s.Proven })
	var ids []uint64
	for i := range 4 {
		kind := engine.KindImage
		if i%2 == 1 {
			kind = engine.KindText
		}
		id := w.createTask(kind, i)
		ids = append(ids, id)
		ti := w.waitSettled(id)
		if ti.State != chain.TaskDone || ti.Honest != 7 {
			t.Fatalf("task %d: %s honest %03b", id, ti.State, ti.Honest)
		}
		files, err := relay.NewClient(w.relay, w.app.Key).GetResult(context.Background(), id)
		if err != nil || len(files) == 0 {
			t.Fatalf("the application cannot read task %d's result: %v", id, err)
		}
		if relay.ResultHash(files) != ti.ResultHash {
			t.Fatalf("task %d: result does not match the chain", id)
		}
	}
	w.checkPayments()
	waitFor("after validated tasks, want proven", func(s Snapshot) bool { return s.Proven && s.Ready == 3 })
	for _, r := range w.nodes {
		wi, err := r.node.Wallet(context.Background())
		owed, _ := w.app.Client.FeeBalance(context.Background(), r.acct.Addr)
		if err != nil || wi.Address != r.acct.Addr || wi.Owed.Cmp(owed) != 0 || wi.Owed.Sign() <= 0 || wi.Stake.Cmp(w.net.Network.Params.Registry.MinStake) != 0 || wi.Balance.Sign() <= 0 || wi.State != chain.NodeAvailable {
			t.Fatalf("wallet %+v %v", wi, err)
		}
	}
	for _, r := range w.nodes {
		e, err := w.entry(r, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []ledger.Step{ledger.Received, ledger.Started, ledger.Finished, ledger.Committed, ledger.Disclosed} {
			if _, ok := e.Times[s]; !ok {
				t.Errorf("node %s task %d: no %s time", r.acct.Addr, ids[0], s)
			}
		}
		if e.Txs["commit"] == "" || e.Txs["disclose"] == "" {
			t.Errorf("ledger lacks tx hashes: %v", e.Txs)
		}
	}
}

// TestCrashAtEachPhase kills one node at each phase of a task (as a
// kill -9 would: the process stops at once, keeping only what it wrote)
// and restarts it: every task settles, nobody honest is slashed, and the
// ledger has exactly one row per task with the chain's payment.
func TestCrashAtEachPhase(t *testing.T) {
	w := newWorld(t, 3)
	for i, phase := range []string{PhaseFetched, PhaseComputed, PhaseCommitted, PhaseDisclosed, PhaseUploading} {
		t.Run(phase, func(t *testing.T) {
			w.t = t
			var mu sync.Mutex
			crashed := map[*running]bool{}
			for _, r := range w.nodes {
				_ = r.stop()
				w.start(r, func(p string, _ uint64) bool {
					mu.Lock()
					defer mu.Unlock()
					if p == phase && !crashed[r] {
						crashed[r] = true
						return true
					}
					return false
				})
			}
			id := w.createTask(engine.KindImage, 100+i)
			// Bring every node that went down back up, until the task is
			// settled everywhere.
			deadline := time.Now().Add(60 * time.Second)
			restarted := 0
			for {
				for _, r := range w.nodes {
					select {
					case err := <-r.done:
						r.cancel = nil // it ended: nothing to stop at cleanup
						if !errors.Is(err, errCrash) {
							t.Fatalf("node stopped with %v, want the simulated crash", err)
						}
						w.start(r, nil)
						restarted++
					default:
					}
				}
				if restarted > 0 && w.settledEverywhere(id) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("phase %s: %d restarts, task %d not settled everywhere in 60 s", phase, restarted, id)
				}
				time.Sleep(10 * time.Millisecond)
			}
			ti := w.waitSettled(id)
			if ti.State != chain.TaskDone || ti.Honest != 7 {
				t.Fatalf("after crashes at %s: %s honest %03b", phase, ti.State, ti.Honest)
			}
			if _, err := relay.NewClient(w.relay, w.app.Key).GetResult(context.Background(), id); err != nil {
				t.Fatalf("no result after crashes at %s: %v", phase, err)
			}
			for _, r := range w.nodes {
				info, err := w.app.Client.Node(context.Background(), r.acct.Addr)
				if err != nil || info.State == chain.NodeQuit {
					t.Fatalf("node %s after crashes: %+v %v", r.acct.Addr, info, err)
				}
				e, err := w.entry(r, id)
				if err != nil || e.Outcome != ledger.Paid {
					t.Fatalf("node %s ledger: %+v %v", r.acct.Addr, e, err)
				}
			}
		})
	}
	w.t = t
	w.checkPayments()
}

func TestWatchStream(t *testing.T) {
	w := newWorld(t, 3)
	r := w.nodes[0]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := r.node.Watch(ctx)
	first := <-ch
	if first.State != StateAvailable || first.Address != r.acct.Addr {
		t.Fatalf("first snapshot %+v", first)
	}
	if err := r.node.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n := <-ch:
			if n.State == StatePaused {
				if n.Reason != ReasonUserPaused {
					t.Errorf("paused with reason %q", n.Reason)
				}
				return
			}
		case <-deadline:
			t.Fatal("no paused notification")
		}
	}
}

func TestPreflightRefusesASkewedClock(t *testing.T) {
	n := simchain.New(t, 1, nil)
	l, err := ledger.Open(filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	nd, err := New(Config{Backend: n.Backend, Network: n.Network, Key: n.Accounts[0].Key, Engine: reference.Engine{}, Ledger: l,
		Now: func() time.Time { return time.Now().Add(5 * time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := nd.Run(context.Background()); err == nil {
		t.Fatal("a clock five minutes off was accepted")
	}
	if s := nd.Snapshot(); s.State != StateStopped {
		t.Errorf("state %s after refusing", s.State)
	}
}

// TestStopAtAnyStepIsClean: a node stopped by its owner while it checks
// the chain, joins, recovers or follows the stream ends without an error
// (the cancel was asked for, nothing failed).
func TestStopAtAnyStepIsClean(t *testing.T) {
	w := newWorld(t, 0)
	r := &running{acct: w.spare(), ledger: filepath.Join(t.TempDir(), "ledger.db"), noise: 1}
	for i := range 12 {
		w.start(r, nil)
		time.Sleep(time.Duration(i*i) * time.Millisecond)
		if err := r.stop(); err != nil {
			t.Fatalf("stopped after %d ms: %v", i*i, err)
		}
		if s := r.node.Snapshot().State; s != StateStopped {
			t.Fatalf("stopped after %d ms: state %s", i*i, s)
		}
	}
}

func testLog() *slog.Logger {
	if os.Getenv("HYDROGEN_NODE_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// slowEngine runs until its context ends, saying when it started.
type slowEngine struct{ started chan uint64 }

func (slowEngine) Name() string { return "slow" }

func (e slowEngine) Run(ctx context.Context, a engine.Args) (engine.Output, error) {
	select {
	case e.started <- uint64(a.Seed):
	default:
	}
	<-ctx.Done()
	return engine.Output{}, ctx.Err()
}

// TestGateHandsTheGPUBack: closing the hire-out gate stops the running
// job at once and yields its task with the reason; a task arriving while
// the gate is closed is yielded without running; reopened, the node
// works again.
func TestGateHandsTheGPUBack(t *testing.T) {
	w := newWorld(t, 4)
	slow := w.nodes[0]
	started := make(chan uint64, 4)
	slow.engine = slowEngine{started: started}
	_ = slow.stop()
	w.start(slow, nil)
	w.waitState(slow, StateAvailable)

	// Create tasks until one lands on the slow node.
	yieldedWhileRunning := uint64(0)
	for i := 0; yieldedWhileRunning == 0 && i < 20; i++ {
		id := w.createTask(engine.KindImage, 200+i)
		// Ours when the slow engine starts on it (under load that can
		// take more than a few seconds); otherwise it settles elsewhere,
		// at the latest once its commit deadline (120 s) has passed.
		limit := time.Now().Add(150 * time.Second)
	wait:
		for {
			select {
			case <-started:
				slow.node.SetHireable(false, "paused_user_active")
				yieldedWhileRunning = id
				break wait
			case <-time.After(50 * time.Millisecond):
			}
			if w.settledEverywhere(id) {
				break
			}
			if time.Now().After(limit) {
				t.Fatalf("task %d neither reached the slow node nor settled in 150 s", id)
			}
		}
	}
	if yieldedWhileRunning == 0 {
		t.Fatal("no task reached the slow node")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		e, err := w.entry(slow, yieldedWhileRunning)
		if err == nil && e.Outcome == ledger.Yielded {
			if e.Reason != api.TaskOwnerReturned.With(string(api.PauseUserActive)) {
				t.Fatalf("reason %q", e.Reason)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the running task was not yielded: %+v %v", e, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ti, err := w.app.Client.Task(context.Background(), yieldedWhileRunning)
	if err != nil || slow.node.slotOf(ti) >= 0 {
		t.Fatalf("the chain still lists the node on the task: %v", err)
	}
	if ok, why := slow.node.Hireable(); ok || why != "paused_user_active" {
		t.Fatalf("gate %v %q", ok, why)
	}
	// The hand-back cost nothing and paused the node on chain at once, so
	// the network draws it no more while the owner is there.
	ctx := context.Background()
	info, err := slow.acct.Client.Node(ctx, slow.acct.Addr)
	if err != nil || info.State != chain.NodePaused || info.QoS != 10000 || info.Yields != 0 || info.ResumeAfter == 0 {
		t.Fatalf("after a hand-back: %+v %v; want paused, score and yields untouched", info, err)
	}
	w.waitSettled(yieldedWhileRunning) // its replacement finishes it
	_, err = slow.acct.Client.Resume(ctx)
	wantNodeRevert(t, err, "TooEarly")

	// Resumed on chain (later) with the gate still closed: a task for the
	// slow node is handed back unrun.
	w.advance(time.Duration(w.net.Network.Params.Registry.ResumeDelay+1) * time.Second)
	if err := slow.node.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	gotOne := false
	for i := 0; !gotOne && i < 20; i++ {
		id := w.createTask(engine.KindText, 300+i)
		ti, err := w.app.Client.Task(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if slow.node.slotOf(ti) < 0 {
			w.waitSettled(id)
			continue
		}
		gotOne = true
		deadline := time.Now().Add(20 * time.Second)
		for {
			e, err := w.entry(slow, id)
			if err == nil && e.Outcome == ledger.Yielded {
				if codes, _, _ := api.ParseTaskReason(e.Reason); len(codes) != 1 || codes[0] != api.TaskOwnerPresent {
					t.Fatalf("reason %q", e.Reason)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the task was not yielded while the gate was closed: %+v %v", e, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		select {
		case <-started:
			t.Fatal("the engine ran with the gate closed")
		default:
		}
	}
	if !gotOne {
		t.Fatal("no task was assigned to the slow node")
	}
	slow.node.SetHireable(true, "")
	if ok, _ := slow.node.Hireable(); !ok {
		t.Fatal("the gate did not open")
	}
}

func wantNodeRevert(t *testing.T, err error, name string) {
	t.Helper()
	if !chain.IsRevert(err, name) {
		t.Fatalf("got %v, want revert %s", err, name)
	}
}
