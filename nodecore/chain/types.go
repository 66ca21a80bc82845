// Package chain speaks to Hydrogen's protocol contracts on any EVM chain:
// deployment, typed calls and transactions for nodes and applications,
// and the events they react to. The contracts are in contracts/src, their
// bindings in bindings; docs/protocol.md is the specification.
package chain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// NodeState is a node's state in the registry. The values are the
// contract's and never change.
type NodeState uint8

// Node states.
const (
	NodeQuit         NodeState = 0
	NodeAvailable    NodeState = 1
	NodeBusy         NodeState = 2
	NodePendingPause NodeState = 3
	NodePendingQuit  NodeState = 4
	NodePaused       NodeState = 5
)

var nodeStateNames = []string{"quit", "available", "busy", "pending-pause", "pending-quit", "paused"}

// String returns the state's name.
func (s NodeState) String() string { return enumName(nodeStateNames, uint8(s), "NodeState") }

// MarshalText encodes the state as its name.
func (s NodeState) MarshalText() ([]byte, error) {
	return enumText(nodeStateNames, uint8(s), "node state")
}

// TaskState is a task's state. The values are the contract's.
type TaskState uint8

// Task states.
const (
	TaskNone       TaskState = 0
	TaskCommitting TaskState = 1
	TaskDisclosing TaskState = 2
	TaskValidated  TaskState = 3
	TaskDone       TaskState = 4
	TaskAborted    TaskState = 5
	// TaskDrawing: created; its nodes are drawn from a later block.
	TaskDrawing TaskState = 6
	// TaskAuditing: auditors are drawn and commit.
	TaskAuditing TaskState = 7
	// TaskAuditDisclosing: auditors disclose.
	TaskAuditDisclosing TaskState = 8
)

var taskStateNames = []string{"none", "committing", "disclosing", "validated", "done", "aborted", "drawing", "auditing", "audit-disclosing"}

// Open reports whether the task can still change before it is judged.
func (s TaskState) Open() bool {
	switch s {
	case TaskDrawing, TaskCommitting, TaskDisclosing, TaskAuditing, TaskAuditDisclosing:
		return true
	}
	return false
}

// Outcome is how a task ended. The values are the contract's.
type Outcome uint8

// Outcomes.
const (
	OutcomeSuccess     Outcome = 0
	OutcomeNoMajority  Outcome = 1 // the disclosed scores did not agree
	OutcomeTooFewNodes Outcome = 2 // fewer than two nodes could be drawn or committed in time
	OutcomeNoArguments Outcome = 3 // the nodes could not get the arguments; they kept a share
	OutcomeNoResult    Outcome = 4 // no node that was right recorded the result in time
	OutcomeDrawMissed  Outcome = 5 // nobody drew its nodes within the draw window; the minimum fee was burned
)

var outcomeNames = []string{"success", "no-majority", "too-few-nodes", "no-arguments", "no-result", "draw-missed"}

// String returns the outcome's name.
func (o Outcome) String() string { return enumName(outcomeNames, uint8(o), "Outcome") }

// MarshalText encodes the outcome as its name.
func (o Outcome) MarshalText() ([]byte, error) { return enumText(outcomeNames, uint8(o), "outcome") }

// Seats of a task: 0-2 are its nodes, 3-5 its first audit panel, 6-8
// the second (drawn when the first does not confirm the task).
const (
	Seats         = 9
	TaskSeatCount = 3
	TaskSeats     = 0x007
	Panel1Seats   = 0x038
	Panel2Seats   = 0x1c0
	AuditSeats    = Panel1Seats | Panel2Seats
)

// String returns the state's name.
func (s TaskState) String() string { return enumName(taskStateNames, uint8(s), "TaskState") }

// MarshalText encodes the state as its name.
func (s TaskState) MarshalText() ([]byte, error) {
	return enumText(taskStateNames, uint8(s), "task state")
}

func enumName(names []string, v uint8, typ string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(int(v)) + ")"
}

func enumText(names []string, v uint8, what string) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("chain: unknown %s %d", what, v)
	}
	return []byte(names[v]), nil
}

// TaskType says what a task produces and how its scores compare.
type TaskType uint8

// Task types.
const (
	TaskImage TaskType = 0 // scores: one 64-bit perceptual hash per image
	TaskText  TaskType = 1 // scores: sha256 of the text
)

// Version is a node or task version; the contract packs it in 24 bits.
type Version struct{ Major, Minor, Patch uint8 }

// ParseVersion parses "1.2.3" (a leading "v" is allowed).
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("chain: version %q is not major.minor.patch", s)
	}
	var v [3]uint8
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 8)
		if err != nil {
			return Version{}, fmt.Errorf("chain: version %q: part %q is not 0..255", s, p)
		}
		v[i] = uint8(n)
	}
	return Version{v[0], v[1], v[2]}, nil
}

// Packed returns the version as the contract stores it.
func (v Version) Packed() uint32 {
	return uint32(v.Major)<<16 | uint32(v.Minor)<<8 | uint32(v.Patch)
}

// UnpackVersion reverses Packed.
func UnpackVersion(p uint32) Version {
	return Version{uint8(p >> 16), uint8(p >> 8), uint8(p)}
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// CanRun reports whether a node of version v may run a task of version
// task: the same major and minor (patches are compatible). It mirrors
// NodeRegistry.versionCompatible; the registry keeps a pool of available
// nodes per major.minor, so a task is only ever offered to nodes that
// can run it.
func (v Version) CanRun(task Version) bool {
	return v.Major == task.Major && v.Minor == task.Minor
}

// ModelHash is the on-chain identifier of a model ID such as
// "base:runwayml/stable-diffusion-v1-5": its keccak256.
func ModelHash(id string) common.Hash { return crypto.Keccak256Hash([]byte(id)) }

// GPUHash is the on-chain identifier of a GPU name.
func GPUHash(name string) common.Hash { return crypto.Keccak256Hash([]byte(name)) }

// ImageScore encodes one 64-bit perceptual hash per image as a disclosed
// score: 8 big-endian bytes each.
func ImageScore(hashes ...uint64) []byte {
	b := make([]byte, 0, 8*len(hashes))
	for _, h := range hashes {
		b = append(b, byte(h>>56), byte(h>>48), byte(h>>40), byte(h>>32), byte(h>>24), byte(h>>16), byte(h>>8), byte(h))
	}
	return b
}

// TextScore encodes the sha256 of a text output as a disclosed score.
func TextScore(sum [32]byte) []byte { return sum[:] }

// NoArgumentsScore is the score a node discloses when it could not get
// the task's arguments from the relay.
func NoArgumentsScore() []byte { return []byte{0} }

// IsNoArguments reports whether a disclosed score is NoArgumentsScore.
func IsNoArguments(score []byte) bool { return len(score) == 1 && score[0] == 0 }

var commitArgs = mustArguments("uint256", "address", "uint256", "address", "bytes", "bytes32", "bytes32")

// Vote is what a node commits to on a task: its score, the hash of its
// result, and a secret nonce.
type Vote struct {
	Score      []byte
	ResultHash common.Hash
	Nonce      [32]byte
}

// Commitment is what node commits for vote on task id of the network:
// keccak256(abi.encode(chainid, tasks, id, node, score, resultHash,
// nonce)). Binding the chain, the contract and the node's address means
// nobody can reuse a commitment elsewhere, nor another node's.
func (n *Network) Commitment(id uint64, node common.Address, v Vote) (common.Hash, error) {
	if n.ChainID == nil {
		return common.Hash{}, fmt.Errorf("chain: the network has no chain id")
	}
	packed, err := commitArgs.Pack(n.ChainID.ToInt(), n.Tasks, bigU(id), node, v.Score, v.ResultHash, v.Nonce)
	if err != nil {
		return common.Hash{}, err
	}
	return crypto.Keccak256Hash(packed), nil
}

func mustArguments(types ...string) abi.Arguments {
	var args abi.Arguments
	for _, t := range types {
		typ, err := abi.NewType(t, "", nil)
		if err != nil {
			panic(err)
		}
		args = append(args, abi.Argument{Type: typ})
	}
	return args
}
