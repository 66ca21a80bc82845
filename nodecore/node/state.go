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

// changed reports whether b differs from a in what the app shows (the
// watch stream carries only such changes).
func (a Snapshot) changed(b Snapshot) bool {
	return a.State != b.State || a.Reason != b.Reason || a.Task != b.Task ||
		a.TaskKind != b.TaskKind || a.TaskModel != b.TaskModel || a.TaskPhase != b.TaskPhase ||
		a.Ready != b.Ready || a.Proven != b.Proven ||
		(a.Balance == nil) != (b.Balance == nil) || (a.Balance != nil && a.Balance.Cmp(b.Balance) != 0)
}

// update applies f to the snapshot and tells the watchers when what they
// show changed. f replaces Balance, never changes it in place: watchers
// hold the snapshots they were sent.
func (n *Node) update(f func(*Snapshot)) {
	n.hub.Update(func(s *Snapshot) bool {
		old := *s
		f(s)
		return old.changed(*s)
	})
}

// Watch returns a stream of snapshots, the current one first and then
// each change of what the app shows (a slow watcher gets the latest),
// until ctx ends.
func (n *Node) Watch(ctx context.Context) <-chan Snapshot { return n.hub.Subscribe(ctx) }

// Snapshot returns the current state.
func (n *Node) Snapshot() Snapshot { return n.hub.Last() }
