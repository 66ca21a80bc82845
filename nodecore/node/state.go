// Package node is the daemon's engine: it makes this machine's GPU a node
// of the network. It owns the one state machine the app watches, joins
// and leaves the network, and runs every task the chain assigns through
// fetch → compute → commit → disclose → result, recording each step in
// the ledger so that a crash at any point resumes correctly.
package node

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// State is the node engine's state. The values cross the local API and
// never change.
type State int

// States.
const (
	StateInitializing   State = 0
	StateWaitingForFund State = 1 // the wallet lacks stake + gas reserve
	StateJoining        State = 2
	StateAvailable      State = 3
	StateBusy           State = 4
	StatePausing        State = 5 // busy; pauses when the task ends
	StatePaused         State = 6
	StateQuitting       State = 7
	StateStopped        State = 8
	StateError          State = 9
)

var stateNames = []api.NodeState{api.NodeInitializing, api.NodeWaitingForFunds, api.NodeJoining, api.NodeAvailable, api.NodeBusy, api.NodePausing, api.NodePaused, api.NodeQuitting, api.NodeStopped, api.NodeError}

// Wire is the state as the local API sends it.
func (s State) Wire() api.NodeState {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return api.NodeError
}

// String returns the state's name.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return string(stateNames[s])
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// MarshalText encodes the state as its name.
func (s State) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(stateNames) {
		return nil, fmt.Errorf("node: unknown state %d", int(s))
	}
	return []byte(s.String()), nil
}

// Reason says why the node is in its state; the app translates it. The
// values are the wire's (api/vocab.go).
type Reason = api.NodeReason

// Reasons.
const (
	ReasonNone           = api.ReasonNone
	ReasonLowBalance     = api.ReasonLowBalance
	ReasonClockSkew      = api.ReasonClockSkew
	ReasonWrongChain     = api.ReasonWrongChain
	ReasonChainDown      = api.ReasonChainDown
	ReasonRelayDown      = api.ReasonRelayDown
	ReasonKicked         = api.ReasonKicked
	ReasonSlashed        = api.ReasonSlashed
	ReasonUserPaused     = api.ReasonUserPaused
	ReasonLeaving        = api.ReasonLeaving
	ReasonLeft           = api.ReasonLeft
	ReasonLeaveFailed    = api.ReasonLeaveFailed
	ReasonFatal          = api.ReasonFatal
	ReasonWrongContracts = api.ReasonWrongContracts
	ReasonStakeLimit     = api.ReasonStakeLimit
)

// Snapshot is the whole state the app shows.
type Snapshot struct {
	State   State
	Reason  Reason
	Address common.Address
	Task    uint64   // the task being run, 0 for none
	Balance *big.Int // wei in the wallet

	// The task being run: its kind (image, text), model ID (once its
	// arguments are read) and phase (received, running, then Phase*).
	TaskKind, TaskModel, TaskPhase string

	// Why an available node waits: how many nodes are ready for the
	// tasks this card may be drawn for (0: not known yet), and whether it
	// has done validated work (which proves its models and earns a
	// holder's preference; until then it gets the one seat of every task
	// drawn from everyone).
	Ready  uint64
	Proven bool
}

// Notify is one message of the watch stream: the first carries Initial,
// later ones only the fields that changed (nil = unchanged).
type Notify struct {
	Initial *Snapshot
	State   *State
	Reason  *Reason
	Task    *uint64
	Balance *big.Int
	Detail  bool // the task's kind, model or phase, or why the node waits, changed
}

// hub holds the snapshot and fans changes out to watchers.
type hub struct {
	mu       sync.Mutex // guards snap and watchers
	snap     Snapshot
	watchers map[chan Notify]struct{}
}

func (h *hub) get() Snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snap
}

// update applies f to the snapshot and sends watchers what changed.
func (h *hub) update(f func(*Snapshot)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.snap
	f(&h.snap)
	var n Notify
	changed := false
	if h.snap.State != old.State {
		s := h.snap.State
		n.State, changed = &s, true
	}
	if h.snap.Reason != old.Reason {
		r := h.snap.Reason
		n.Reason, changed = &r, true
	}
	if h.snap.Task != old.Task {
		t := h.snap.Task
		n.Task, changed = &t, true
	}
	if h.snap.TaskKind != old.TaskKind || h.snap.TaskModel != old.TaskModel || h.snap.TaskPhase != old.TaskPhase ||
		h.snap.Ready != old.Ready || h.snap.Proven != old.Proven {
		n.Detail, changed = true, true
	}
	if h.snap.Balance != nil && (old.Balance == nil || h.snap.Balance.Cmp(old.Balance) != 0) {
		n.Balance, changed = new(big.Int).Set(h.snap.Balance), true
	}
	if !changed {
		return
	}
	for ch := range h.watchers {
		select {
		case ch <- n:
		default: // a watcher that does not keep up misses a change, never blocks the node
		}
	}
}

// Watch returns a stream of notifications: the full snapshot first, then
// changes, until ctx ends.
func (n *Node) Watch(ctx context.Context) <-chan Notify {
	ch := make(chan Notify, 64)
	n.hub.mu.Lock()
	snap := n.hub.snap
	if n.hub.watchers == nil {
		n.hub.watchers = map[chan Notify]struct{}{}
	}
	n.hub.watchers[ch] = struct{}{}
	ch <- Notify{Initial: &snap}
	n.hub.mu.Unlock()
	go func() {
		<-ctx.Done()
		n.hub.mu.Lock()
		delete(n.hub.watchers, ch)
		close(ch)
		n.hub.mu.Unlock()
	}()
	return ch
}

// Snapshot returns the current state.
func (n *Node) Snapshot() Snapshot { return n.hub.get() }
