package chain

import (
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// Calls builds the calldata of every protocol call, for a sender that
// signs and batches its own transactions (the network simulation); the
// registry's calls go to Network.Registry, the others to Network.Tasks.
// Client sends the same calldata.
type Calls struct {
	reg *bindings.NodeRegistry
	tm  *bindings.TaskManager
}

// NewCalls returns the calldata builder.
func NewCalls() Calls { return Calls{reg: bindings.NewNodeRegistry(), tm: bindings.NewTaskManager()} }

// Join is NodeRegistry.join (the stake is the transaction's value).
func (c Calls) Join(j JoinRequest) []byte {
	return c.reg.PackJoin(j.GPUName, j.VRAMMiB, big.NewInt(int64(j.Version.Packed())), hashes(j.Models))
}

// Pause is NodeRegistry.pause.
func (c Calls) Pause() []byte { return c.reg.PackPause() }

// Resume is NodeRegistry.resume.
func (c Calls) Resume() []byte { return c.reg.PackResume() }

// Quit is NodeRegistry.quit.
func (c Calls) Quit() []byte { return c.reg.PackQuit() }

// ReportModel is NodeRegistry.reportModel.
func (c Calls) ReportModel(model common.Hash, held bool) []byte {
	return c.reg.PackReportModel(model, held)
}

// WithdrawStake is NodeRegistry.withdraw: unbonded stake and shares of
// slashed stake.
func (c Calls) WithdrawStake() []byte { return c.reg.PackWithdraw() }

// CreateTask is TaskManager.createTask (the fee is the value).
func (c Calls) CreateTask(spec Spec, timeoutSeconds uint32) []byte {
	return c.tm.PackCreateTask(spec.binding(), timeoutSeconds)
}

// Draw is TaskManager.draw.
func (c Calls) Draw(id uint64, spec Spec) []byte { return c.tm.PackDraw(bigU(id), spec.binding()) }

// Close is TaskManager.close.
func (c Calls) Close(id uint64) []byte { return c.tm.PackClose(bigU(id)) }

// Commit is TaskManager.commit.
func (c Calls) Commit(id uint64, commitment common.Hash) []byte {
	return c.tm.PackCommit(bigU(id), commitment)
}

// Disclose is TaskManager.disclose.
func (c Calls) Disclose(id uint64, v Vote) []byte {
	return c.tm.PackDisclose(bigU(id), v.Score, v.ResultHash, v.Nonce)
}

// Yield is TaskManager.yieldTask.
func (c Calls) Yield(id uint64, spec Spec, handBack bool) []byte {
	return c.tm.PackYieldTask(bigU(id), spec.binding(), handBack)
}

// SubmitResult is TaskManager.submitResult.
func (c Calls) SubmitResult(id uint64, v Vote) []byte {
	return c.tm.PackSubmitResult(bigU(id), v.Score, v.ResultHash, v.Nonce)
}

// WithdrawFees is TaskManager.withdraw.
func (c Calls) WithdrawFees() []byte { return c.tm.PackWithdraw() }

// SpecBinding is spec as the generated bindings take it (for contracts
// that call the task manager, such as the simulation's attackers).
func (s Spec) SpecBinding() bindings.TaskManagerSpec { return s.binding() }

// DecodeRevert turns the revert data an eth_call's error carries into a
// *RevertError named after the protocol's custom errors, or those of
// extra ABIs (err unchanged when it carries none).
func DecodeRevert(err error, extra ...*abi.ABI) error {
	return decodeRevert(err, append(ProtocolABIs(), extra...))
}
