package node

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// Config is what a node needs.
type Config struct {
	Backend  chain.Backend
	Network  *chain.Network
	Key      *ecdsa.PrivateKey
	RelayURL string
	Engine   engine.Engine
	Ledger   *ledger.Ledger

	GPUName string
	VRAMMiB uint32
	Version chain.Version
	Models  []string // model IDs held (besides the store's)
	// Store, when set, is the node's model store: its models are declared
	// at join, the network's download requests are acted on in the
	// background, a task's missing model is fetched before it runs.
	Store ModelStore
	// KnownModels are model IDs the node can name from their hashes (the
	// network's catalog); the relay names others.
	KnownModels []string

	// NoAutoRejoin keeps a node the network removed for a low QoS score
	// out until the owner rejoins (SetAutoRejoin changes it).
	NoAutoRejoin bool
	// FeeCeiling caps the node's gas price in wei per gas (nil:
	// chain.DefaultMaxFeePerGas), whatever the RPC endpoint suggests.
	FeeCeiling *big.Int

	// Stake is what the node stakes at join: at least the registry's
	// minimum, which is read from the contract, never from the network
	// file (nil: that minimum).
	Stake *big.Int
	// MaxStake is the most the node stakes (nil: DefaultMaxStake): a
	// registry asking more is refused (ErrStakeLimit, ReasonStakeLimit)
	// and nothing is staked until the owner raises the limit.
	MaxStake *big.Int
	// GasReserve is kept besides the stake for gas (nil: a tenth of the
	// stake).
	GasReserve *big.Int
	// MinTaskTime is the least time left before a task's commit deadline
	// for the node to start it; with less it yields the task instead.
	MinTaskTime time.Duration
	// Poll is how often the chain is checked (events, deadlines, funds).
	Poll time.Duration
	Log  *slog.Logger
	Now  func() time.Time
	// AtPhase, when set, is called as a task passes each phase (the
	// Phase* constants), after what the phase did is saved. hydrogend's
	// process-level crash test uses it to stop the process there.
	AtPhase func(phase string, task uint64)
}

// EngineVersion is the version of the task format and engine behaviour
// this node implements; tasks name the version they need.
var EngineVersion = chain.Version{Major: 1}

// MaxClockSkew is how far the machine's clock may be from the chain's.
const MaxClockSkew = 60 * time.Second

// Node is the engine. Create it with New, run it with Run.
type Node struct {
	cfg    Config
	client *chain.Client
	relay  *relay.Client
	addr   common.Address
	log    *slog.Logger
	hub    *watch.Hub[Snapshot] // what the app shows: State, Reason, the task

	// taskMu serializes work on tasks: the event handler and the deadline
	// ticker never act on the same task at once.
	taskMu sync.Mutex

	handedBack atomic.Bool // a yield or hand-back paused the node on chain since the gate last opened

	keepMu    sync.Mutex           // guards kept, members, membersAt
	kept      map[uint64]keptRound // task → the round this node saw awaiting a draw (keeper.go)
	members   uint64               // the network's member count, for keeping
	membersAt time.Time            // when members was read

	tx *chain.Transactor

	// gateMu guards closed, why, cancelRun, running and engineTime: the
	// hire-out gate and the engine run behind it.
	gateMu     sync.Mutex
	closed     bool
	why        string
	cancelRun  context.CancelCauseFunc  // the engine run in progress
	running    engineRun                // valid while cancelRun is set
	engineTime map[string]time.Duration // kind → the engine's usual time (moving average)

	timingMu sync.Mutex
	timings  map[uint64]*TaskTiming

	namesMu sync.Mutex
	names   map[common.Hash]string // model hash → ID

	// dlMu guards requested: the download requests being acted on.
	dlMu      sync.Mutex
	requested map[common.Hash]bool
	// bg runs background work (downloads, rejoining, leaving) under
	// runCtx, which ends with Run; Run waits for it.
	bg     sync.WaitGroup
	runCtx context.Context
	stopBG context.CancelFunc

	autoRejoin atomic.Bool // rejoin by itself after a QoS kick
	joinMu     sync.Mutex  // one join at a time
	// leaveMu guards leaving: a leave in progress.
	leaveMu sync.Mutex
	leaving bool
	// removalMu guards removal: why the registry is removing the node
	// (from its NodeKicked/NodeSlashed event), until the state change.
	removalMu sync.Mutex
	removal   string

	// paramsMu guards params: the contracts' parameters, read once the
	// contracts are verified (chainParams); nil before.
	paramsMu sync.Mutex
	params   *chain.Params

	// crashAt, in tests, stops the node as if killed at a phase.
	crashAt func(phase string, task uint64) bool
}

// errCrash is the simulated kill of a test.
var errCrash = errors.New("node: simulated crash")

// New checks cfg and returns a node.
func New(cfg Config) (*Node, error) {
	if cfg.Backend == nil || cfg.Network == nil || cfg.Key == nil || cfg.Engine == nil || cfg.Ledger == nil {
		return nil, errors.New("node: backend, network, key, engine and ledger are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.MinTaskTime == 0 {
		cfg.MinTaskTime = 10 * time.Second
	}
	if cfg.MaxStake == nil {
		cfg.MaxStake = DefaultMaxStake
	}
	ctx := context.Background()
	tx, err := chain.NewTransactor(ctx, cfg.Backend, cfg.Key, cfg.Log, chain.ProtocolABIs()...)
	if err != nil {
		return nil, err
	}
	tx.PollInterval = min(cfg.Poll, time.Second)
	tx.FeeCeiling = cfg.FeeCeiling
	rc := relay.NewClient(cfg.RelayURL, cfg.Key)
	rc.ChainID = cfg.Network.ChainID.ToInt() // a relay of another chain is refused
	rc.HTTP = relayHTTP
	n := &Node{cfg: cfg, client: chain.NewClient(cfg.Backend, cfg.Network, tx), relay: rc, addr: tx.From(), log: cfg.Log.With("node", tx.From()), tx: tx, timings: map[uint64]*TaskTiming{}, names: map[common.Hash]string{}, requested: map[common.Hash]bool{}}
	for _, id := range append(slices.Clone(cfg.Models), cfg.KnownModels...) {
		n.names[chain.ModelHash(id)] = id
	}
	if cfg.Store != nil {
		for _, id := range cfg.Store.Held() {
			n.names[chain.ModelHash(id)] = id
		}
	}
	n.runCtx, n.stopBG = context.WithCancel(context.Background())
	n.autoRejoin.Store(!cfg.NoAutoRejoin)
	n.hub = watch.New(Snapshot{State: StateInitializing, Address: n.addr})
	return n, nil
}

// Address is the node's wallet address.
func (n *Node) Address() common.Address { return n.addr }

func (n *Node) set(s State, r Reason) {
	n.update(func(sn *Snapshot) { sn.State, sn.Reason = s, r })
}

// Run runs the node until ctx ends: checks, joining, then tasks.
func (n *Node) Run(ctx context.Context) (err error) {
	parent := ctx
	defer func() {
		// Stopped by its caller at any step (preflight, join, recovery,
		// the stream), the node ends cleanly: the cancel is no failure.
		if parent.Err() != nil && errors.Is(err, context.Canceled) {
			err = nil
		}
		n.set(StateStopped, ReasonNone)
		n.log.Info("node stopped", "err", err)
	}()
	// Background work (downloads, joining, leaving) ends with Run,
	// whatever ends it.
	defer n.bg.Wait()
	defer n.stopBG()
	stopBG := context.AfterFunc(ctx, n.stopBG)
	defer stopBG()
	if err := n.preflight(ctx); err != nil {
		return err
	}
	if err := n.join(ctx); err != nil {
		return err
	}
	if err := n.recover(ctx); err != nil {
		return err
	}
	n.resumeDownloads(n.runCtx)
	stream := chain.NewStream(n.cfg.Backend, n.cfg.Network, n.cfg.Ledger.Cursor(), n.log)
	stream.PollInterval = n.cfg.Poll
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	tickDone, keepDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(tickDone)
		if err := n.deadlines(ctx); err != nil {
			cancel(err) // stops the stream too
		}
	}()
	go func() {
		defer close(keepDone)
		n.keep(ctx)
	}()
	err = stream.Run(ctx, n.handle)
	cancel(nil)
	<-tickDone
	<-keepDone
	// The deadline ticker's failure (a simulated crash, a dead ledger)
	// stopped the stream: it is the reason, also when the stream's
	// handler saw only its context canceled.
	if err == nil || errors.Is(err, context.Canceled) {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			err = cause
		}
	}
	return err
}

// preflight checks the chain, the clock, the contracts and the relay.
func (n *Node) preflight(ctx context.Context) error {
	id, err := n.cfg.Backend.ChainID(ctx)
	if err != nil {
		n.set(StateError, ReasonChainDown)
		return fmt.Errorf("node: chain: %w", err)
	}
	if id.Cmp(n.cfg.Network.ChainID.ToInt()) != 0 {
		n.set(StateError, ReasonWrongChain)
		return fmt.Errorf("node: the RPC serves chain %s, the network file says %s", id, n.cfg.Network.ChainID.ToInt())
	}
	head, err := n.cfg.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		n.set(StateError, ReasonChainDown)
		return fmt.Errorf("node: chain head: %w", err)
	}
	if skew := n.cfg.Now().Sub(time.Unix(int64(head.Time), 0)); skew > MaxClockSkew || skew < -MaxClockSkew {
		n.set(StateError, ReasonClockSkew)
		return fmt.Errorf("node: this clock is %s off the chain's; fix the system time", skew.Round(time.Second))
	}
	// Nothing the contracts say is trusted, and nothing is staked, before
	// their code is checked.
	if _, err := n.chainParams(ctx); errors.Is(err, chain.ErrContractCode) {
		n.set(StateError, ReasonWrongContracts)
		return fmt.Errorf("node: %w", err)
	} else if err != nil {
		n.set(StateError, ReasonChainDown)
		return fmt.Errorf("node: %w", err)
	}
	if n.cfg.RelayURL != "" {
		if err := relayHealth(ctx, n.cfg.RelayURL); err != nil {
			n.set(StateError, ReasonRelayDown)
			return fmt.Errorf("node: relay: %w", err)
		}
	}
	return nil
}

// join brings the node in, unless the chain says it is in already; a
// node out of the network enters as the owner's intent says (enter).
func (n *Node) join(ctx context.Context) error {
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return err
	}
	if info.State == chain.NodeQuit {
		return n.enter(ctx)
	}
	n.log.Info("already in the network", "state", info.State)
	n.setFromChain(info)
	m, err := n.cfg.Ledger.Membership(ctx)
	if err != nil {
		return err
	}
	switch m {
	case ledger.MembershipLeft:
		// Leaving when the daemon stopped: finish it.
		n.bg.Go(func() {
			if err := n.leave(n.runCtx); err != nil && n.runCtx.Err() == nil {
				n.log.Error("leaving the network failed", "err", err)
				n.set(StateError, ReasonLeaveFailed)
			}
		})
	case ledger.MembershipMember:
	default:
		// Joined before the ledger kept the intent, or rejoined: a member.
		if err := n.cfg.Ledger.SetMembership(ctx, ledger.MembershipMember); err != nil {
			return err
		}
	}
	if err := n.syncModels(ctx); err != nil {
		n.log.Warn("telling the network which models this node holds failed", "err", err)
	}
	return nil
}

func (n *Node) setFromChain(info chain.NodeInfo) {
	s := map[chain.NodeState]State{
		chain.NodeAvailable: StateAvailable, chain.NodeBusy: StateBusy, chain.NodePendingPause: StatePausing,
		chain.NodePendingQuit: StateQuitting, chain.NodePaused: StatePaused, chain.NodeQuit: StateStopped,
	}[info.State]
	n.update(func(sn *Snapshot) { sn.State, sn.Task = s, info.Task })
}

// Pause stops taking tasks (after the current one). A node out of the
// network has nothing to pause.
func (n *Node) Pause(ctx context.Context) error {
	if out, err := n.outOfNetwork(ctx); err != nil || out {
		return err
	}
	if info, err := n.client.Node(ctx, n.addr); err != nil {
		return err
	} else if info.State == chain.NodePaused || info.State == chain.NodePendingPause {
		n.setFromChain(info) // already (a hand-back pauses at once)
		return nil
	}
	_, err := n.client.Pause(ctx)
	if err == nil {
		n.refresh(ctx, ReasonUserPaused)
	}
	return err
}

// Resume takes tasks again; nothing for a node out of the network.
func (n *Node) Resume(ctx context.Context) error {
	if out, err := n.outOfNetwork(ctx); err != nil || out {
		return err
	}
	if info, err := n.client.Node(ctx, n.addr); err != nil {
		return err
	} else if info.State == chain.NodeAvailable || info.State == chain.NodeBusy {
		return nil
	}
	_, err := n.client.Resume(ctx)
	if err == nil {
		n.refresh(ctx, ReasonNone)
	}
	return err
}

// outOfNetwork reports whether the chain has the node out (quit,
// removed) or on its way out.
func (n *Node) outOfNetwork(ctx context.Context) (bool, error) {
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return false, err
	}
	return info.State == chain.NodeQuit || info.State == chain.NodePendingQuit, nil
}

func (n *Node) refresh(ctx context.Context, r Reason) {
	if info, err := n.client.Node(ctx, n.addr); err == nil {
		n.setFromChain(info)
		n.update(func(s *Snapshot) { s.Reason = r })
	}
}

// handle reacts to one protocol event, retrying a failure a few times
// (an RPC hiccup, a transaction that lost a race) before leaving the task
// to the deadline ticker. Only a simulated crash or a dead ledger stops it.
func (n *Node) handle(ctx context.Context, l types.Log) error {
	wait := n.cfg.Poll
	for attempt := 1; ; attempt++ {
		err := n.handleOnce(ctx, l)
		if err == nil || errors.Is(err, errCrash) || ctx.Err() != nil {
			return err
		}
		if attempt == 5 {
			n.log.Error("giving up on an event; the deadline ticker retries its task", "block", l.BlockNumber, "index", l.Index, "err", err)
			return nil
		}
		n.log.Warn("handling an event failed; retrying", "block", l.BlockNumber, "index", l.Index, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// handleOnce is idempotent: after a crash the stream delivers the event
// again, and the chain's state decides what is left to do.
func (n *Node) handleOnce(ctx context.Context, l types.Log) error {
	ev, err := chain.Decode(l)
	if err != nil {
		return nil // Withdrawn and others we do not act on
	}
	switch e := ev.(type) {
	case *bindings.TaskManagerTaskAssigned:
		if e.Node == n.addr {
			return n.work(ctx, e.Id.Uint64())
		}
	case *bindings.TaskManagerTaskDisclosing:
		return n.advance(ctx, e.Id.Uint64())
	case *bindings.TaskManagerTaskSettled:
		return n.advance(ctx, e.Id.Uint64()) // keeping follows its own stream (keeper.go)
	case *bindings.NodeRegistryDownloadRequested:
		if e.Node == n.addr {
			n.downloadRequested(ctx, e.Model)
		}
	case *bindings.NodeRegistryNodeKicked:
		if e.Node == n.addr {
			n.noteRemoval(removedKicked)
		}
	case *bindings.NodeRegistryNodeSlashed:
		if e.Node == n.addr {
			n.noteRemoval(removedSlashed)
		}
	case *bindings.NodeRegistryNodeStateChanged:
		if e.Node == n.addr {
			return n.chainStateChanged(ctx)
		}
	}
	return nil
}

// deadlines advances this node's open tasks as time passes: disclosing
// once the commit deadline opened disclosure, closing expired tasks.
func (n *Node) deadlines(ctx context.Context) error {
	t := time.NewTicker(n.cfg.Poll)
	defer t.Stop()
	var waited time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if time.Since(waited) >= waitRefresh {
			waited = time.Now()
			n.refreshWaiting(ctx)
		}
		pending, err := n.cfg.Ledger.Pending(ctx)
		if err != nil {
			return err
		}
		for _, e := range pending {
			if err := n.advance(ctx, e.TaskID); errors.Is(err, errCrash) {
				return err
			} else if err != nil {
				n.log.Warn("advancing a task failed", "task", e.TaskID, "err", err)
			}
		}
	}
}

// waitRefresh is how often an available node re-reads why it waits.
const waitRefresh = 15 * time.Second

// refreshWaiting reads, for an available node without a task, how many
// nodes are ready for the tasks it may be drawn for and whether validated
// work proved one of its models: what the dashboard tells an owner who
// waits.
func (n *Node) refreshWaiting(ctx context.Context) {
	if sn := n.Snapshot(); sn.State != StateAvailable || sn.Task != 0 {
		return
	}
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		n.log.Debug("reading the node's record", "err", err)
		return
	}
	ready, err := n.client.ReadyNodes(ctx, info.Version, info.VRAMMiB)
	if err != nil {
		n.log.Debug("counting the ready nodes", "err", err)
		return
	}
	models, err := n.client.NodeModels(ctx, n.addr)
	if err != nil {
		n.log.Debug("reading the node's models", "err", err)
		return
	}
	proven := false
	for _, m := range models {
		if proven, err = n.client.IsProven(ctx, n.addr, m); err != nil {
			n.log.Debug("reading a model's proof", "err", err)
			return
		}
		if proven {
			break
		}
	}
	n.update(func(s *Snapshot) { s.Ready, s.Proven = ready, proven })
}

// recover picks up the tasks the ledger has open, after a restart.
func (n *Node) recover(ctx context.Context) error {
	pending, err := n.cfg.Ledger.Pending(ctx)
	if err != nil {
		return err
	}
	for _, e := range pending {
		n.log.Info("resuming a task", "task", e.TaskID)
		if err := n.work(ctx, e.TaskID); err != nil {
			return err
		}
	}
	return nil
}

func newNonce() ([32]byte, error) {
	var b [32]byte
	_, err := rand.Read(b[:])
	return b, err
}

// faucetEvery is how often a node waiting for funds asks a devnet faucet.
const faucetEvery = 30 * time.Second

// askFaucet asks a devnet's faucet to fund addr.
func askFaucet(ctx context.Context, url string, addr common.Address) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	body := strings.NewReader(fmt.Sprintf(`{"address":%q}`, addr.Hex()))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := endpointClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("faucet: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// TaskTiming splits the time the node spent on one task.
type TaskTiming struct {
	Busy   time.Duration // handling the task, everything included
	Engine time.Duration // inside the engine
	Chain  time.Duration // waiting for this node's transactions to be mined
	Idle   time.Duration // waiting for the application's arguments to reach the relay
}

// Overhead is the node's own time on the task: Busy less the engine and
// the waits. It is RPC reads and calls, signing, relay transfers, scoring
// and the ledger's writes.
func (t TaskTiming) Overhead() time.Duration { return t.Busy - t.Engine - t.Chain - t.Idle }

// maxTimings bounds the timings kept (the newest tasks').
const maxTimings = 1024

// Timing returns how the node spent its time on task id, if it worked on
// it since it started.
func (n *Node) Timing(id uint64) (TaskTiming, bool) {
	n.timingMu.Lock()
	defer n.timingMu.Unlock()
	t, ok := n.timings[id]
	if !ok {
		return TaskTiming{}, false
	}
	return *t, true
}

func (n *Node) addTiming(id uint64, f func(*TaskTiming)) { n.addTimingIf(id, true, f) }

// addTimingIf is addTiming that, unless create, only adds to a task
// already timed (events about others' tasks pass through advance too).
func (n *Node) addTimingIf(id uint64, create bool, f func(*TaskTiming)) {
	n.timingMu.Lock()
	defer n.timingMu.Unlock()
	t := n.timings[id]
	if t == nil && !create {
		return
	}
	if t == nil {
		if len(n.timings) >= maxTimings {
			oldest := id
			for k := range n.timings {
				oldest = min(oldest, k)
			}
			delete(n.timings, oldest)
		}
		t = &TaskTiming{}
		n.timings[id] = t
	}
	f(t)
}

// timed measures a handler's time on task id; call the result when done.
// Only work starts timing a task.
func (n *Node) timed(id uint64, create bool) func() {
	start, waited := time.Now(), n.tx.Waited()
	return func() {
		busy, chainWait := time.Since(start), n.tx.Waited()-waited
		n.addTimingIf(id, create, func(t *TaskTiming) { t.Busy += busy; t.Chain += chainWait })
	}
}

// ErrGateClosed is the cause given to a task's engine when the owner
// takes the GPU back.
var ErrGateClosed = errors.New("node: the owner took the GPU back")

// SetHireable opens or closes the hire-out gate. Closed, the node runs
// no engine: the running job is stopped at once and tasks that arrive
// are yielded with why as the reason, until the gate opens again. The
// governor (the hire-out policy) drives it.
func (n *Node) SetHireable(ok bool, why string) {
	n.gateMu.Lock()
	defer n.gateMu.Unlock()
	n.closed, n.why = !ok, why
	if !ok && n.cancelRun != nil {
		n.cancelRun(ErrGateClosed)
	}
	if ok && n.handedBack.Swap(false) && n.runCtx != nil {
		// A yield or hand-back paused the node on chain by itself;
		// resume it (after the registry's delay) whoever else pauses it.
		n.bg.Go(func() { n.resumeAfterHandBack(n.runCtx) })
	}
}

// resumeAfterHandBack resumes a node a hand-back paused, once the
// registry allows it, while the gate stays open.
func (n *Node) resumeAfterHandBack(ctx context.Context) {
	for {
		if ok, _ := n.Hireable(); !ok {
			return
		}
		err := n.Resume(ctx)
		// The registry's TooEarly: its resume delay has not passed yet.
		if !chain.Reverted[*bindings.NodeRegistryTooEarly](err) {
			if err != nil && ctx.Err() == nil {
				n.log.Warn("resuming after a hand-back failed", "err", err)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

// Hireable reports whether the gate is open, and why not.
func (n *Node) Hireable() (bool, string) {
	n.gateMu.Lock()
	defer n.gateMu.Unlock()
	return !n.closed, n.why
}

// engineRun is the engine run in progress.
type engineRun struct {
	kind              string
	started, deadline time.Time // deadline: the task's commit deadline
}

// RunningTask reports whether the engine is running a task, and about how
// long it has left: the engine's usual time for the kind less what has
// passed, or, before this node has timed one, the time to the commit
// deadline. The hire-out policy lets a task with little left finish when
// only the schedule would stop it.
func (n *Node) RunningTask() (running bool, left time.Duration) {
	n.gateMu.Lock()
	defer n.gateMu.Unlock()
	if n.cancelRun == nil {
		return false, 0
	}
	now := n.cfg.Now()
	if usual, ok := n.engineTime[n.running.kind]; ok {
		return true, max(usual-now.Sub(n.running.started), 0)
	}
	return true, max(n.running.deadline.Sub(now), 0)
}

// runEngine runs the engine under the gate: closing the gate cancels it.
// deadline is the task's commit deadline.
func (n *Node) runEngine(ctx context.Context, a engine.Args, deadline time.Time) (engine.Output, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	n.gateMu.Lock()
	if n.closed {
		n.gateMu.Unlock()
		return engine.Output{}, ErrGateClosed
	}
	n.cancelRun = cancel
	n.running = engineRun{kind: a.Kind, started: n.cfg.Now(), deadline: deadline}
	n.gateMu.Unlock()
	// Watchers learn of the run once RunningTask reports it.
	n.update(func(s *Snapshot) { s.TaskPhase = PhaseRunning })
	var ok bool
	defer func() {
		n.gateMu.Lock()
		defer n.gateMu.Unlock()
		n.cancelRun = nil
		if !ok {
			return
		}
		took := n.cfg.Now().Sub(n.running.started)
		if n.engineTime == nil {
			n.engineTime = map[string]time.Duration{}
		}
		if usual, seen := n.engineTime[a.Kind]; seen {
			took = (3*usual + took) / 4
		}
		n.engineTime[a.Kind] = took
	}()
	out, err := n.cfg.Engine.Run(ctx, a)
	ok = err == nil
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, ErrGateClosed) {
		return out, ErrGateClosed
	}
	return out, err
}

// WalletInfo is the node's wallet as the chain sees it.
type WalletInfo struct {
	Address common.Address
	Balance *big.Int // wei in the wallet
	Owed    *big.Int // fees earned and not yet withdrawn
	Stake   *big.Int // staked in the registry
	// Unbonding is stake on its way back (withdrawable after the
	// registry's unbonding period), Returned what the registry owes the
	// wallet now (a stake that finished unbonding, shares of slashed
	// stake).
	Unbonding, Returned *big.Int
	State               chain.NodeState
	QoS                 uint32 // 0..10000
}

// HoldsFunds reports whether the network's contracts hold anything of the
// node's: it is in the network, or a stake, a returned stake or fees wait
// there. Such a node must leave before its network is replaced.
func (w WalletInfo) HoldsFunds() bool {
	pos := func(v *big.Int) bool { return v != nil && v.Sign() > 0 }
	return w.State != chain.NodeQuit || pos(w.Stake) || pos(w.Unbonding) || pos(w.Returned) || pos(w.Owed)
}

// Wallet reads the wallet's balance, fees owed and stake (bonded,
// unbonding, returned) from the chain.
func (n *Node) Wallet(ctx context.Context) (WalletInfo, error) {
	w := WalletInfo{Address: n.addr}
	var err error
	if w.Balance, err = n.cfg.Backend.BalanceAt(ctx, n.addr, nil); err != nil {
		return w, err
	}
	if w.Owed, err = n.client.FeeBalance(ctx, n.addr); err != nil {
		return w, err
	}
	if w.Returned, err = n.client.StakeBalance(ctx, n.addr); err != nil {
		return w, err
	}
	info, err := n.client.Node(ctx, n.addr)
	if err != nil {
		return w, err
	}
	w.Stake, w.Unbonding, w.State, w.QoS = info.Stake, info.Unbonding, info.State, info.QoS
	return w, nil
}
