package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"

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

func (c *Client) sendTasksMin(ctx context.Context, data []byte, value *big.Int, minGas uint64) (*types.Receipt, error) {
	if c.tx == nil {
		return nil, ErrReadOnly
	}
	return c.tx.SendMin(ctx, &c.net.Tasks, data, value, minGas)
}

// SettleGas is the gas limit of a call that may settle a task (a
// disclosure, a close): enough for paying, slashing and releasing three
// nodes with the most models they may declare.
const SettleGas = 1_500_000

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

// Commit commits to a score on task id.
func (c *Client) Commit(ctx context.Context, id uint64, commitment common.Hash) (*types.Receipt, error) {
	return c.sendTasks(ctx, c.tm.PackCommit(bigU(id), commitment), nil)
}

// Disclose discloses the committed score and nonce.
func (c *Client) Disclose(ctx context.Context, id uint64, score []byte, nonce [32]byte) (*types.Receipt, error) {
	return c.sendTasksMin(ctx, c.tm.PackDisclose(bigU(id), score, nonce), nil, SettleGas)
}

// Yield hands task id back before committing. spec must be the task's.
func (c *Client) Yield(ctx context.Context, id uint64, spec Spec) (*types.Receipt, error) {
	return c.sendTasks(ctx, c.tm.PackYieldTask(bigU(id), spec.binding()), nil)
}

// SubmitResult records the hash of the result uploaded to the relay.
func (c *Client) SubmitResult(ctx context.Context, id uint64, resultHash common.Hash) (*types.Receipt, error) {
	return c.sendTasks(ctx, c.tm.PackSubmitResult(bigU(id), resultHash), nil)
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

// CreateTask pays fee and creates a task; it returns the task id and the
// nodes assigned to it.
func (c *Client) CreateTask(ctx context.Context, spec Spec, timeoutSeconds uint64, fee *big.Int) (uint64, [3]common.Address, *types.Receipt, error) {
	var nodes [3]common.Address
	rcpt, err := c.sendTasks(ctx, c.tm.PackCreateTask(spec.binding(), timeoutSeconds), fee)
	if err != nil {
		return 0, nodes, rcpt, err
	}
	var id uint64
	for _, l := range rcpt.Logs {
		if ev, err := c.tm.UnpackTaskAssignedEvent(l); err == nil && int(ev.Slot) < 3 {
			nodes[ev.Slot] = ev.Node
			id = ev.Id.Uint64()
		}
	}
	if id == 0 {
		return 0, nodes, rcpt, fmt.Errorf("chain: task created in %s but no TaskAssigned event found", rcpt.TxHash)
	}
	return id, nodes, rcpt, nil
}

// CloseTask settles or refunds a task whose deadline passed; anyone may.
func (c *Client) CloseTask(ctx context.Context, id uint64) (*types.Receipt, error) {
	return c.sendTasksMin(ctx, c.tm.PackClose(bigU(id)), nil, SettleGas)
}

// ---------------------------------------------------------------- views

// NodeInfo is a node as the registry stores it.
type NodeInfo struct {
	State   NodeState
	Version Version
	VRAMMiB uint32
	QoS     uint32 // 0..10000
	Yields  uint16
	Task    uint64
	GPU     common.Hash
	Stake   *big.Int
}

// Node reads a node's record.
func (c *Client) Node(ctx context.Context, addr common.Address) (NodeInfo, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackGetNode(addr), c.reg.UnpackGetNode)
	if err != nil {
		return NodeInfo{}, err
	}
	return NodeInfo{
		State: NodeState(n.State), Version: UnpackVersion(uint32(n.Version.Uint64())), VRAMMiB: n.VramMiB,
		QoS: n.Qos, Yields: n.Yields, Task: n.Task, GPU: n.GpuId, Stake: n.Stake,
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

// TaskInfo is a task as the task manager stores it.
type TaskInfo struct {
	Creator          common.Address
	Fee              *big.Int
	SpecHash         common.Hash
	ResultHash       common.Hash
	CommitDeadline   uint64
	DiscloseDeadline uint64
	State            TaskState
	Type             TaskType
	Commits          uint8
	Discloses        uint8
	Disclosed        uint8 // bit i: node i disclosed
	Honest           uint8 // bit i: node i was paid
	Points           [3]uint8
	Nodes            [3]common.Address
	Commitments      [3]common.Hash
}

// Task reads a task.
func (c *Client) Task(ctx context.Context, id uint64) (TaskInfo, error) {
	t, err := bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackGetTask(bigU(id)), c.tm.UnpackGetTask)
	if err != nil {
		return TaskInfo{}, err
	}
	info := TaskInfo{
		Creator: t.Creator, Fee: t.Fee, SpecHash: t.SpecHash, ResultHash: t.ResultHash,
		CommitDeadline: t.CommitDeadline, DiscloseDeadline: t.DiscloseDeadline,
		State: TaskState(t.State), Type: TaskType(t.TaskType),
		Commits: t.Commits, Discloses: t.Discloses, Disclosed: t.Disclosed, Honest: t.Honest,
		Points: [3]uint8{t.P0, t.P1, t.P2}, Nodes: t.Nodes,
	}
	for i, c := range t.Commitments {
		info.Commitments[i] = c
	}
	return info, nil
}

// FeeBalance is what the task manager owes addr (fees earned, refunds).
func (c *Client) FeeBalance(ctx context.Context, addr common.Address) (*big.Int, error) {
	return bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackBalances(addr), c.tm.UnpackBalances)
}

// StakeBalance is what the registry owes addr (returned or slashed stake).
func (c *Client) StakeBalance(ctx context.Context, addr common.Address) (*big.Int, error) {
	return bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackBalances(addr), c.reg.UnpackBalances)
}

// HolderCount is how many joined, unpaused nodes hold a model.
func (c *Client) HolderCount(ctx context.Context, model common.Hash) (uint64, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackHolderCount(model), c.reg.UnpackHolderCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// AvailableNodes is how many nodes are ready for a task now (of any VRAM
// class).
func (c *Client) AvailableNodes(ctx context.Context) (uint64, error) {
	n, err := bind.Call(c.regC, &bind.CallOpts{Context: ctx}, c.reg.PackAvailableCount(0), c.reg.UnpackAvailableCount)
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

// CommitmentOnChain asks the contract for the commitment of a score; it
// must equal Commitment.
func (c *Client) CommitmentOnChain(ctx context.Context, id uint64, node common.Address, score []byte, nonce [32]byte) (common.Hash, error) {
	h, err := bind.Call(c.tmC, &bind.CallOpts{Context: ctx}, c.tm.PackCommitmentOf(bigU(id), node, score, nonce), c.tm.UnpackCommitmentOf)
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
	tr, err := bind.Call(c.regC, opts, c.reg.PackTreasury(), c.reg.UnpackTreasury)
	if err != nil {
		return Params{}, err
	}
	return Params{Treasury: tr, Registry: r, Tasks: t}, nil
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
