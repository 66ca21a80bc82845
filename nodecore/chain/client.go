package chain

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// ProtocolABIs returns the ABIs of the protocol contracts, to decode
// their custom errors (see NewTransactor).
func ProtocolABIs() []*abi.ABI {
	var out []*abi.ABI
	for _, md := range []*bind.MetaData{&bindings.NodeRegistryMetaData, &bindings.TaskManagerMetaData} {
		a, err := md.ParseABI()
		if err != nil {
			panic(err) // generated, checked by TestBindingsUpToDate
		}
		out = append(out, a)
	}
	return out
}

// Client makes one account's calls to a Hydrogen network: as a node
// (join, commit, disclose, …) or as an application (create tasks).
type Client struct {
	net     *Network
	backend Backend
	tx      *Transactor
	reg     *bindings.NodeRegistry
	tm      *bindings.TaskManager
	regC    *bind.BoundContract
	tmC     *bind.BoundContract
}

// NewClient returns a client for net that sends with tx. With a nil tx the
// client only reads (a relay, a dashboard); sending then fails.
func NewClient(backend Backend, net *Network, tx *Transactor) *Client {
	reg, tm := bindings.NewNodeRegistry(), bindings.NewTaskManager()
	return &Client{
		net: net, backend: backend, tx: tx, reg: reg, tm: tm,
		regC: reg.Instance(backend, net.Registry),
		tmC:  tm.Instance(backend, net.Tasks),
	}
}

// Address returns the account this client acts for (zero when read-only).
func (c *Client) Address() common.Address {
	if c.tx == nil {
		return common.Address{}
	}
	return c.tx.From()
}

// Network returns the network the client talks to.
func (c *Client) Network() *Network { return c.net }

// ErrReadOnly is returned by a client without a transactor asked to send.
var ErrReadOnly = errors.New("chain: this client only reads")

func (c *Client) sendReg(ctx context.Context, data []byte, value *big.Int) (*types.Receipt, error) {
	if c.tx == nil {
		return nil, ErrReadOnly
	}
	return c.tx.Send(ctx, &c.net.Registry, data, value)
}

func (c *Client) sendTasks(ctx context.Context, data []byte, value *big.Int) (*types.Receipt, error) {
	return c.sendTasksMin(ctx, data, value, 0)
}

func (c *Client) sendTasksFixed(ctx context.Context, data []byte, gas uint64) (*types.Receipt, error) {
	if c.tx == nil {
		return nil, ErrReadOnly
	}
	return c.tx.SendFixed(ctx, &c.net.Tasks, data, nil, gas)
}

func (c *Client) sendTasksMin(ctx context.Context, data []byte, value *big.Int, minGas uint64) (*types.Receipt, error) {
	if c.tx == nil {
		return nil, ErrReadOnly
	}
	return c.tx.SendMin(ctx, &c.net.Tasks, data, value, minGas)
}

// SettleGas is the gas limit of a call that may settle a task (a
// disclosure, a close): enough for judging, slashing and releasing six
// nodes with the most models they may declare.
const SettleGas = 2_500_000

// CommitGas is the gas limit of a commit, which may end the commit phase.
const CommitGas = 200_000

// DrawGas is the gas limit of a draw: selecting three nodes with the most
// tries, and the download requests.
const DrawGas = 2_000_000

// ---------------------------------------------------------------- nodes

// JoinRequest is what a node declares when it joins.
type JoinRequest struct {
	GPUName string
	VRAMMiB uint32
	Version Version
	Models  []common.Hash
	Stake   *big.Int
}

// Join stakes and joins the network.
func (c *Client) Join(ctx context.Context, j JoinRequest) (*types.Receipt, error) {
	return c.sendReg(ctx, c.reg.PackJoin(j.GPUName, j.VRAMMiB, big.NewInt(int64(j.Version.Packed())), hashes(j.Models)), j.Stake)
}

// Pause stops taking tasks (after the current one, if busy).
func (c *Client) Pause(ctx context.Context) (*types.Receipt, error) {
	return c.sendReg(ctx, c.reg.PackPause(), nil)
}

// Resume takes tasks again.
func (c *Client) Resume(ctx context.Context) (*types.Receipt, error) {
	return c.sendReg(ctx, c.reg.PackResume(), nil)
}

// Quit leaves the network (after the current task, if busy); the stake
// becomes withdrawable.
func (c *Client) Quit(ctx context.Context) (*types.Receipt, error) {
	return c.sendReg(ctx, c.reg.PackQuit(), nil)
}

// ReportModel tells the network this node now holds (or dropped) a model.
func (c *Client) ReportModel(ctx context.Context, model common.Hash, held bool) (*types.Receipt, error) {
	return c.sendReg(ctx, c.reg.PackReportModel(model, held), nil)
}

// WithdrawStake sends the returned stake to this account.
func (c *Client) WithdrawStake(ctx context.Context) (*types.Receipt, error) {
	return c.sendReg(ctx, c.reg.PackWithdraw(), nil)
}

// Commit commits to a vote on task id (see Network.Commitment).
func (c *Client) Commit(ctx context.Context, id uint64, commitment common.Hash) (*types.Receipt, error) {
	return c.sendTasksMin(ctx, c.tm.PackCommit(bigU(id), commitment), nil, CommitGas)
}

// Commitment is the commitment this client's account sends for vote.
func (c *Client) Commitment(id uint64, v Vote) (common.Hash, error) {
	return c.net.Commitment(id, c.Address(), v)
}

// Disclose discloses the committed vote.
func (c *Client) Disclose(ctx context.Context, id uint64, v Vote) (*types.Receipt, error) {
	return c.sendTasksMin(ctx, c.tm.PackDisclose(bigU(id), v.Score, v.ResultHash, v.Nonce), nil, SettleGas)
}

// Yield hands task id back before committing; spec must be the task's.
// handBack says the owner came back: it costs no score, is not counted
// against the yield limit, and pauses the node.
func (c *Client) Yield(ctx context.Context, id uint64, spec Spec, handBack bool) (*types.Receipt, error) {
	return c.sendTasks(ctx, c.tm.PackYieldTask(bigU(id), spec.binding(), handBack), nil)
}

// SubmitResult records the result of a judged task with the vote this
// node committed to (its result hash is the one recorded); the fee is
// paid then.
func (c *Client) SubmitResult(ctx context.Context, id uint64, v Vote) (*types.Receipt, error) {
	return c.sendTasksLater(ctx, c.tm.PackSubmitResult(bigU(id), v.Score, v.ResultHash, v.Nonce), SettleGas)
}

// sendTasksLater sends a call that reads randomness from a block that an
// estimate on the latest block sees as not yet past (it reverts TooEarly
// there but succeeds in the next block): estimated first, for any other
// error; on TooEarly sent with a fixed gas limit, to land in a later block.
func (c *Client) sendTasksLater(ctx context.Context, data []byte, gas uint64) (*types.Receipt, error) {
	rcpt, err := c.sendTasksMin(ctx, data, nil, gas)
	if Reverted[*bindings.TaskManagerTooEarly](err) {
		return c.sendTasksFixed(ctx, data, gas)
	}
	return rcpt, err
}

// WithdrawFees sends the fees earned (or refunded) to this account.
func (c *Client) WithdrawFees(ctx context.Context) (*types.Receipt, error) {
	return c.sendTasks(ctx, c.tm.PackWithdraw(), nil)
}

// ---------------------------------------------------------- applications

// Spec is what an application asks of a task.
type Spec struct {
	Type       TaskType
	ArgsHash   common.Hash // sha256 of the arguments in the relay
	Models     []common.Hash
	MinVRAMMiB uint32
	GPU        common.Hash // zero for any GPU with MinVRAMMiB
	Version    Version
}

func (s Spec) binding() bindings.TaskManagerSpec {
	return bindings.TaskManagerSpec{
		TaskType:   uint8(s.Type),
		ArgsHash:   s.ArgsHash,
		Models:     hashes(s.Models),
		MinVramMiB: s.MinVRAMMiB,
		GpuId:      s.GPU,
		Version:    big.NewInt(int64(s.Version.Packed())),
	}
}

// TaskReceipts are the receipts of a task's creation and of its draw.
type TaskReceipts struct{ Create, Draw *types.Receipt }

// CreateTask pays fee, creates a task and draws its nodes (in the next
// block); it returns the task id and its three nodes.
func (c *Client) CreateTask(ctx context.Context, spec Spec, timeoutSeconds uint64, fee *big.Int) (uint64, [3]common.Address, TaskReceipts, error) {
	var nodes [3]common.Address
	id, rc, err := c.Create(ctx, spec, timeoutSeconds, fee)
	rs := TaskReceipts{Create: rc}
	if err != nil {
		return 0, nodes, rs, err
	}
	seats, rd, err := c.Draw(ctx, id, spec)
	rs.Draw = rd
	if Reverted[*bindings.TaskManagerNothingToDraw](err) {
		// A node keeping the network's draws was first: the task says
		// what came of it.
		t, terr := c.Task(ctx, id)
		if terr != nil {
			return id, nodes, rs, terr
		}
		copy(nodes[:], t.Nodes[:3])
		if t.State == TaskAborted {
			return id, nodes, rs, fmt.Errorf("chain: task %d: %w", id, drawFailure(t.Outcome))
		}
		return id, nodes, rs, nil
	}
	if err != nil {
		return id, nodes, rs, err
	}
	copy(nodes[:], seats[:3])
	for _, l := range rd.Logs {
		if ev, err := c.tm.UnpackTaskSettledEvent(l); err == nil {
			return id, nodes, rs, fmt.Errorf("chain: task %d: %w", id, drawFailure(Outcome(ev.Outcome)))
		}
	}
	return id, nodes, rs, nil
}

// ErrNotEnoughNodes is returned when a task's draw found fewer than three
// nodes; the task was refunded.
var ErrNotEnoughNodes = errors.New("not enough nodes: the task was refunded")

// ErrDrawMissed is returned when nobody drew a task's nodes within the
// draw window; the task was refunded less the minimum fee.
var ErrDrawMissed = errors.New("the task's nodes were not drawn in time: the task was refunded less the minimum fee")

func drawFailure(o Outcome) error {
	if o == OutcomeDrawMissed {
		return ErrDrawMissed
	}
	return ErrNotEnoughNodes
}

// Create pays fee and creates a task; its nodes are drawn by Draw.
func (c *Client) Create(ctx context.Context, spec Spec, timeoutSeconds uint64, fee *big.Int) (uint64, *types.Receipt, error) {
	if timeoutSeconds > math.MaxUint32 {
		return 0, nil, fmt.Errorf("chain: timeout %d s is too long", timeoutSeconds)
	}
	rcpt, err := c.sendTasks(ctx, c.tm.PackCreateTask(spec.binding(), uint32(timeoutSeconds)), fee)
	if err != nil {
		return 0, rcpt, err
	}
	for _, l := range rcpt.Logs {
		if ev, err := c.tm.UnpackTaskCreatedEvent(l); err == nil {
			return ev.Id.Uint64(), rcpt, nil
		}
	}
	return 0, rcpt, fmt.Errorf("chain: task created in %s but no TaskCreated event found", rcpt.TxHash)
}

// Draw fills a task's empty seats from the randomness its round awaited;
// anyone may send it once that round's block is past and within the draw
// window. It returns the seats assigned by this draw (zero elsewhere).
// When nothing was assigned, either the task ended (its nodes not drawn
// within the window: DrawMissed) or a new round was requested (a late
// replacement or audit draw, an audit waiting for free nodes): draw again
// later.
func (c *Client) Draw(ctx context.Context, id uint64, spec Spec) ([Seats]common.Address, *types.Receipt, error) {
	var seats [Seats]common.Address
	rcpt, err := c.sendTasksLater(ctx, c.tm.PackDraw(bigU(id), spec.binding()), DrawGas)
	if err != nil {
		return seats, rcpt, err
	}
	for _, l := range rcpt.Logs {
		if ev, err := c.tm.UnpackTaskAssignedEvent(l); err == nil && int(ev.Slot) < Seats {
			seats[ev.Slot] = ev.Node
		}
	}
	return seats, rcpt, nil
}

// CloseTask moves a task whose deadline passed on (opens disclosure,
// judges, refunds) or flips its audit coin; anyone may.
func (c *Client) CloseTask(ctx context.Context, id uint64) (*types.Receipt, error) {
	return c.sendTasksLater(ctx, c.tm.PackClose(bigU(id)), SettleGas)
}

// ---------------------------------------------------------------- views

// NodeInfo is a node as the registry stores it. Its record (score,
// yields, kicks, slashes) belongs to the address and survives quitting.
type NodeInfo struct {
	State       NodeState
	Version     Version
	VRAMMiB     uint32
	QoS         uint32 // 0..10000
	Task        uint64
	ResumeAfter uint64 // unix time before which it may not resume (or rejoin after a kick)
	Kicks       uint16
	Slashes     uint16
	GPU         common.Hash
	Stake       *big.Int
	Unbonding   *big.Int // stake on its way out
	UnbondAt    uint64   // unix time from which Unbonding can be withdrawn
	Yields      uint32   // yields ever
	Joined      bool     // has been a member
}

// Node reads a node's record.
func (c *Client) Node(ctx context.Context, addr common.Address) (NodeInfo, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackGetNode(addr), c.reg.UnpackGetNode)
	if err != nil {
		return NodeInfo{}, err
	}
	return NodeInfo{
		State: NodeState(n.State), Version: UnpackVersion(uint32(n.Version.Uint64())), VRAMMiB: n.VramMiB,
		QoS: n.Qos, Task: n.Task, ResumeAfter: n.ResumeAfter.Uint64(), Kicks: n.Kicks, Slashes: n.Slashes,
		GPU: n.GpuId, Stake: n.Stake, Unbonding: n.Unbonding, UnbondAt: n.UnbondAt, Yields: n.Yields, Joined: n.Joined,
	}, nil
}

// NodeModels lists the models a node declared.
func (c *Client) NodeModels(ctx context.Context, addr common.Address) ([]common.Hash, error) {
	ms, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackGetNodeModels(addr), c.reg.UnpackGetNodeModels)
	if err != nil {
		return nil, err
	}
	out := make([]common.Hash, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out, nil
}

// TaskInfo is a task as the task manager stores it. Seats 0-2 are the
// task's nodes, 3-5 its first audit panel, 6-8 its second; the masks have
// bit i for seat i.
type TaskInfo struct {
	Creator          common.Address
	Fee              *big.Int
	SpecHash         common.Hash
	Model            common.Hash // the first model
	ResultHash       common.Hash
	Round            uint64 // the randomness round it awaits
	RequestedAt      uint64 // when that round was requested: a draw must come within the draw window
	CommitDeadline   uint64 // of the current phase (0 while its nodes are drawn)
	DiscloseDeadline uint64 // of the current phase
	ResultDeadline   uint64 // when Validated: the result must be recorded by then
	Timeout          uint32
	State            TaskState
	Type             TaskType
	Outcome          Outcome
	Panels           uint8  // audit panels drawn (0 to 2)
	Vacant           uint16 // seats waiting for a draw
	Committed        uint16
	Disclosed        uint16
	Honest           uint16 // seats that were right (set when judged)
	Slashed          uint16
	// Coin: Validated by its own nodes, the audit coin still to flip (by
	// the next SubmitResult or anyone's CloseTask); until then an audit
	// may still change the verdicts.
	Coin        bool
	Points      [Seats]uint8
	Nodes       [Seats]common.Address
	Commitments [Seats]common.Hash
}

// Phase is the mask of the seats of the task's current phase: its own
// nodes, or the audit panel at work.
func (t TaskInfo) Phase() uint16 {
	switch {
	case t.State != TaskAuditing && t.State != TaskAuditDisclosing:
		return TaskSeats
	case t.Panels == 2:
		return Panel2Seats
	}
	return Panel1Seats
}

// Commits is how many seats of the current phase committed.
func (t TaskInfo) Commits() int { return bits.OnesCount16(t.Committed & t.Phase()) }

// Audited reports whether auditors were drawn for the task.
func (t TaskInfo) Audited() bool {
	for _, a := range t.Nodes[TaskSeatCount:] {
		if a != (common.Address{}) {
			return true
		}
	}
	return t.State == TaskAuditing || t.State == TaskAuditDisclosing
}

// Task reads a task.
func (c *Client) Task(ctx context.Context, id uint64) (TaskInfo, error) {
	t, err := bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackGetTask(bigU(id)), c.tm.UnpackGetTask)
	if err != nil {
		return TaskInfo{}, err
	}
	info := TaskInfo{
		Creator: t.Creator, Fee: t.Fee, SpecHash: t.SpecHash, Model: t.Model, ResultHash: t.ResultHash,
		Round: t.Round.Uint64(), RequestedAt: t.RequestedAt.Uint64(), CommitDeadline: t.CommitDeadline.Uint64(), Timeout: t.Timeout,
		State: TaskState(t.State), Type: TaskType(t.TaskType), Outcome: Outcome(t.Outcome),
		Panels: t.Panels, Vacant: t.Vacant, Committed: t.Committed, Disclosed: t.Disclosed, Honest: t.Honest, Slashed: t.Slashed,
		Coin: t.Coin, Nodes: t.Nodes,
	}
	if info.State == TaskValidated {
		info.ResultDeadline = t.Deadline.Uint64()
	} else {
		info.DiscloseDeadline = t.Deadline.Uint64()
	}
	p := t.Points.Uint64()
	for i := range Seats {
		info.Points[i] = uint8(p >> (8 * i))
		info.Commitments[i] = t.Commitments[i]
	}
	return info, nil
}

// Burned is what missed draws burned: held by the task manager, owed to
// nobody.
func (c *Client) Burned(ctx context.Context) (*big.Int, error) {
	return bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackBurned(), c.tm.UnpackBurned)
}

// Scores reads the scores a task's seats disclosed.
func (c *Client) Scores(ctx context.Context, id uint64) ([Seats][]byte, error) {
	return bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackGetScores(bigU(id)), c.tm.UnpackGetScores)
}

// Relation asks the contract how two scores relate: 0 agree, 1 doubt, 2 differ.
func (c *Client) Relation(ctx context.Context, tt TaskType, a, b []byte) (uint8, error) {
	return bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackRelation(uint8(tt), a, b), c.tm.UnpackRelation)
}

// IsProven reports whether node has proven (by validated work) that it
// holds model.
func (c *Client) IsProven(ctx context.Context, node common.Address, model common.Hash) (bool, error) {
	return bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackIsProven(node, model), c.reg.UnpackIsProven)
}

// FeeBalance is what the task manager owes addr (fees earned, refunds).
func (c *Client) FeeBalance(ctx context.Context, addr common.Address) (*big.Int, error) {
	return bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackBalances(addr), c.tm.UnpackBalances)
}

// StakeBalance is what the registry owes addr (returned or slashed stake).
func (c *Client) StakeBalance(ctx context.Context, addr common.Address) (*big.Int, error) {
	return bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackBalances(addr), c.reg.UnpackBalances)
}

// HolderCount is how many unpaused nodes have proven they hold a model.
func (c *Client) HolderCount(ctx context.Context, model common.Hash) (uint64, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackHolderCount(model), c.reg.UnpackHolderCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// AvailableNodes is how many nodes of a version's major.minor are ready
// for a task now (of any VRAM class).
func (c *Client) AvailableNodes(ctx context.Context, v Version) (uint64, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackPoolCount(big.NewInt(int64(v.Packed())), 0), c.reg.UnpackPoolCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// ReadyNodes is how many nodes are ready now for the tasks a card of
// vramMiB running version v may be drawn for: the available members of
// its VRAM class and every larger one (itself included when available).
func (c *Client) ReadyNodes(ctx context.Context, v Version, vramMiB uint32) (uint64, error) {
	opts := &bind.CallOpts{Context: ctx}
	class, err := bind.Call(c.regC, opts, c.reg.PackClassOf(vramMiB), c.reg.UnpackClassOf)
	if err != nil {
		return 0, err
	}
	n, err := bind.Call(c.regC, opts, c.reg.PackPoolCount(big.NewInt(int64(v.Packed())), class), c.reg.UnpackPoolCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// PoolCount is how many available nodes a task of spec's version and
// VRAM need may be drawn from (its pools; a task naming a GPU draws from
// that GPU's members instead, which this does not count).
func (c *Client) PoolCount(ctx context.Context, spec Spec) (uint64, error) {
	opts := &bind.CallOpts{Context: ctx}
	class, err := bind.Call(c.regC, opts, c.reg.PackClassFor(spec.MinVRAMMiB), c.reg.UnpackClassFor)
	if err != nil {
		return 0, err
	}
	n, err := bind.Call(c.regC, opts, c.reg.PackPoolCount(big.NewInt(int64(spec.Version.Packed())), class), c.reg.UnpackPoolCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// MemberCount is how many nodes are in the network (any state but quit).
func (c *Client) MemberCount(ctx context.Context) (uint64, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackMemberCount(), c.reg.UnpackMemberCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// CommitmentOnChain asks the contract for the commitment of a vote; it
// must equal Network.Commitment.
func (c *Client) CommitmentOnChain(ctx context.Context, id uint64, node common.Address, v Vote) (common.Hash, error) {
	h, err := bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackCommitmentOf(bigU(id), node, v.Score, v.ResultHash, v.Nonce), c.tm.UnpackCommitmentOf)
	return common.Hash(h), err
}

func hashes(hs []common.Hash) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// VersionCompatible asks the registry whether a node version may run a
// task version; it must agree with Version.CanRun.
func (c *Client) VersionCompatible(ctx context.Context, node, task Version) (bool, error) {
	return bind.Call(c.regC, &bind.CallOpts{Context: ctx},
		c.reg.PackVersionCompatible(big.NewInt(int64(node.Packed())), big.NewInt(int64(task.Packed()))),
		c.reg.UnpackVersionCompatible)
}

// Params reads the deployment parameters from the contracts.
func (c *Client) Params(ctx context.Context) (Params, error) {
	opts := &bind.CallOpts{Context: ctx}
	r, err := bind.Call(c.regC, opts, c.reg.PackGetParams(), c.reg.UnpackGetParams)
	if err != nil {
		return Params{}, err
	}
	t, err := bind.Call(c.tmC, opts, c.tm.PackGetParams(), c.tm.UnpackGetParams)
	if err != nil {
		return Params{}, err
	}
	return Params{Registry: r, Tasks: t}, nil
}

// TaskSlashes is what the registry took and shared at a task's end: the
// stake each slashed node lost (NodeSlashed), and the pot of it shared
// among the seats that were right (StakeShared; no recipients: burned).
type TaskSlashes struct {
	Lost       map[common.Address]*big.Int
	Pot        *big.Int
	Recipients uint64
}

// Slashes reads task id's slashes from the registry's events.
func (c *Client) Slashes(ctx context.Context, id uint64) (TaskSlashes, error) {
	out := TaskSlashes{Lost: map[common.Address]*big.Int{}, Pot: new(big.Int)}
	abi := c.reg.GetABI()
	task := common.BigToHash(bigU(id))
	from := new(big.Int).SetUint64(c.net.DeployBlock)
	slashed, err := c.backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: from, Addresses: []common.Address{c.net.Registry},
		Topics: [][]common.Hash{{abi.Events["NodeSlashed"].ID}, nil, {task}},
	})
	if err != nil {
		return out, err
	}
	for i := range slashed {
		ev, err := c.reg.UnpackNodeSlashedEvent(&slashed[i])
		if err != nil {
			return out, err
		}
		if prev := out.Lost[ev.Node]; prev != nil {
			prev.Add(prev, ev.Amount)
		} else {
			out.Lost[ev.Node] = new(big.Int).Set(ev.Amount)
		}
	}
	shared, err := c.backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: from, Addresses: []common.Address{c.net.Registry},
		Topics: [][]common.Hash{{abi.Events["StakeShared"].ID}, {task}},
	})
	if err != nil {
		return out, err
	}
	for i := range shared {
		ev, err := c.reg.UnpackStakeSharedEvent(&shared[i])
		if err != nil {
			return out, err
		}
		out.Pot.Add(out.Pot, ev.Amount)
		out.Recipients = ev.Recipients.Uint64()
	}
	return out, nil
}

// TaskSpec returns the spec a task was created with, read from its
// TaskCreated event and checked against the spec hash the contract stores.
func (c *Client) TaskSpec(ctx context.Context, id uint64) (Spec, common.Address, error) {
	ev, ok := c.tm.GetABI().Events["TaskCreated"]
	if !ok {
		return Spec{}, common.Address{}, fmt.Errorf("chain: no TaskCreated event in the ABI")
	}
	logs, err := c.backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(c.net.DeployBlock),
		Addresses: []common.Address{c.net.Tasks},
		Topics:    [][]common.Hash{{ev.ID}, {common.BigToHash(bigU(id))}},
	})
	if err != nil {
		return Spec{}, common.Address{}, err
	}
	if len(logs) != 1 {
		return Spec{}, common.Address{}, fmt.Errorf("chain: task %d: %d creation events", id, len(logs))
	}
	created, err := c.tm.UnpackTaskCreatedEvent(&logs[0])
	if err != nil {
		return Spec{}, common.Address{}, err
	}
	s := created.Spec
	spec := Spec{
		Type: TaskType(s.TaskType), ArgsHash: s.ArgsHash, MinVRAMMiB: s.MinVramMiB, GPU: s.GpuId,
		Version: UnpackVersion(uint32(s.Version.Uint64())),
	}
	for _, m := range s.Models {
		spec.Models = append(spec.Models, m)
	}
	info, err := c.Task(ctx, id)
	if err != nil {
		return Spec{}, common.Address{}, err
	}
	if h, err := spec.Hash(); err != nil || h != info.SpecHash {
		return Spec{}, common.Address{}, fmt.Errorf("chain: task %d: the creation event does not match the stored spec hash", id)
	}
	return spec, created.Creator, nil
}

var specArgs = func() abi.Arguments {
	var a abi.Arguments
	a = append(a, bindings.NewTaskManager().GetABI().Methods["createTask"].Inputs[0])
	return a
}()

// Hash is the spec's hash as the contract stores it: keccak256(abi.encode(spec)).
func (s Spec) Hash() (common.Hash, error) {
	packed, err := specArgs.Pack(s.binding())
	if err != nil {
		return common.Hash{}, err
	}
	return crypto.Keccak256Hash(packed), nil
}
