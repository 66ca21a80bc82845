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

var stateNames = []string{"initializing", "waiting-for-funds", "joining", "available", "busy", "pausing", "paused", "quitting", "stopped", "error"}

// String returns the state's name.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
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

// Reason says why the node is in its state; the app translates it.
type Reason string

// Reasons.
const (
	ReasonNone        Reason = ""
	ReasonLowBalance  Reason = "low_balance"     // waiting for funds
	ReasonClockSkew   Reason = "clock_skew"      // the clock is off by more than a minute
	ReasonWrongChain  Reason = "wrong_chain"     // the RPC serves another chain than the network file
	ReasonChainDown   Reason = "chain_down"      // the chain does not answer
	ReasonRelayDown   Reason = "relay_down"      // the relay does not answer
	ReasonKicked      Reason = "removed_qos"     // the network removed the node for a low QoS score (stake returned)
	ReasonSlashed     Reason = "removed_slashed" // the network slashed the node's stake and removed it
	ReasonUserPaused  Reason = "user_paused"     // the owner paused
	ReasonLeaving     Reason = "leaving"         // the owner is leaving the network (quit, then withdrawals)
	ReasonLeft        Reason = "left_network"    // the owner left; stake and fees are in the wallet
	ReasonLeaveFailed Reason = "leave_failed"    // a step of leaving failed (see the log); retried at the next start
	ReasonFatal       Reason = "internal_error"  // see the log
	// ReasonWrongContracts: the network file's addresses do not hold
	// this release's Hydrogen contracts (or they are not bound to each
	// other); nothing was staked.
	ReasonWrongContracts Reason = "wrong_contracts"
	// ReasonStakeLimit: the registry asks a larger stake than the
	// owner's limit (-max-stake); nothing was staked.
	ReasonStakeLimit Reason = "stake_above_limit"
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
