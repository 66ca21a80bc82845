// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package attack

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// ReentrantNodeMetaData contains all meta data concerning the ReentrantNode contract.
var ReentrantNodeMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractNodeRegistry\",\"name\":\"r\",\"type\":\"address\"},{\"internalType\":\"contractTaskManager\",\"name\":\"t\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"attackRegistry\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"c\",\"type\":\"bytes32\"}],\"name\":\"commit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"score\",\"type\":\"bytes\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"}],\"name\":\"disclose\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"gpu\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"vram\",\"type\":\"uint32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"}],\"name\":\"join\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"quit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reentries\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractNodeRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"tasks\",\"outputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawFees\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawStake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "ReentrantNode",
	Bin: "0x60c060405234801561000f575f5ffd5b5060405161092f38038061092f83398101604081905261002e9161005c565b6001600160a01b039182166080521660a052610094565b6001600160a01b0381168114610059575f5ffd5b50565b5f5f6040838503121561006d575f5ffd5b825161007881610045565b602084015190925061008981610045565b809150509250929050565b60805160a0516108436100ec5f395f818161012301528181610257015281816102ec0152818161037e01526104f101525f818160b7015281816101e5015281816103f20152818161048f015261055601526108435ff3fe608060405260043610610092575f3560e01c8063bed9d86111610057578063bed9d86114610232578063c305a6d914610246578063e7a0127414610279578063f2f03877146102a2578063fc2b8cc3146102c1575f5ffd5b8063168fb6681461017a578063476343ee146101995780636578986d146101ad5780637b103999146101d45780639e6d125c1461021f575f5ffd5b36610176575f805490806100a5836105ac565b909155505060015460ff1615610121577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316633ccfd60b6040518163ffffffff1660e01b81526004015f604051808303815f87803b15801561010d575f5ffd5b505af115801561011f573d5f5f3e3d5ffd5b005b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316633ccfd60b6040518163ffffffff1660e01b81526004015f604051808303815f87803b15801561010d575b5f5ffd5b348015610185575f5ffd5b5061011f610194366004610615565b6102d5565b3480156101a4575f5ffd5b5061011f61035a565b3480156101b8575f5ffd5b506101c15f5481565b6040519081526020015b60405180910390f35b3480156101df575f5ffd5b506102077f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016101cb565b61011f61022d366004610664565b6103db565b34801561023d575f5ffd5b5061011f610469565b348015610251575f5ffd5b506102077f000000000000000000000000000000000000000000000000000000000000000081565b348015610284575f5ffd5b506001546102929060ff1681565b60405190151581526020016101cb565b3480156102ad575f5ffd5b5061011f6102bc366004610738565b6104d4565b3480156102cc575f5ffd5b5061011f610554565b6040516302d1f6cd60e31b81526001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000169063168fb66890610327908790879087908790600401610780565b5f604051808303815f87803b15801561033e575f5ffd5b505af1158015610350573d5f5f3e3d5ffd5b5050505050505050565b6001805460ff1916905560408051633ccfd60b60e01b815290516001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001691633ccfd60b916004808301925f92919082900301818387803b1580156103c3575f5ffd5b505af11580156103d5573d5f5f3e3d5ffd5b50505050565b60405163279b449760e21b81526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690639e6d125c903490610433908a908a908a908a908a908a906004016107aa565b5f604051808303818588803b15801561044a575f5ffd5b505af115801561045c573d5f5f3e3d5ffd5b5050505050505050505050565b6001805460ff19168117905560408051633ccfd60b60e01b815290516001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001691633ccfd60b916004808301925f92919082900301818387803b1580156103c3575f5ffd5b60405163f2f0387760e01b815260048101839052602481018290527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169063f2f03877906044015f604051808303815f87803b15801561053a575f5ffd5b505af115801561054c573d5f5f3e3d5ffd5b505050505050565b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031663fc2b8cc36040518163ffffffff1660e01b81526004015f604051808303815f87803b1580156103c3575f5ffd5b5f600182016105c957634e487b7160e01b5f52601160045260245ffd5b5060010190565b5f5f83601f8401126105e0575f5ffd5b50813567ffffffffffffffff8111156105f7575f5ffd5b60208301915083602082850101111561060e575f5ffd5b9250929050565b5f5f5f5f60608587031215610628575f5ffd5b84359350602085013567ffffffffffffffff811115610645575f5ffd5b610651878288016105d0565b9598909750949560400135949350505050565b5f5f5f5f5f5f60808789031215610679575f5ffd5b863567ffffffffffffffff81111561068f575f5ffd5b61069b89828a016105d0565b909750955050602087013563ffffffff811681146106b7575f5ffd5b9350604087013562ffffff811681146106ce575f5ffd5b9250606087013567ffffffffffffffff8111156106e9575f5ffd5b8701601f810189136106f9575f5ffd5b803567ffffffffffffffff81111561070f575f5ffd5b8960208260051b8401011115610723575f5ffd5b60208201935080925050509295509295509295565b5f5f60408385031215610749575f5ffd5b50508035926020909101359150565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b848152606060208201525f610799606083018587610758565b905082604083015295945050505050565b608081525f6107bd60808301888a610758565b63ffffffff8716602084015262ffffff8616604084015282810360608401528381526001600160fb1b038411156107f2575f5ffd5b8360051b80866020840137016020019897505050505050505056fea26469706673582212202f1465e1c457a99d4dd5545e16e81b0a48ac54b1a8497e7b2b7a3deae527669164736f6c63430008250033",
}

// ReentrantNode is an auto generated Go binding around an Ethereum contract.
type ReentrantNode struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ReentrantNode) GetABI() abi.ABI {
	return c.abi
}

// NewReentrantNode creates a new instance of ReentrantNode.
func NewReentrantNode() *ReentrantNode {
	parsed, err := ReentrantNodeMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ReentrantNode{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ReentrantNode) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address r, address t) returns()
func (reentrantNode *ReentrantNode) PackConstructor(r common.Address, t common.Address) []byte {
	enc, err := reentrantNode.abi.Pack("", r, t)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAttackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe7a01274.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function attackRegistry() view returns(bool)
func (reentrantNode *ReentrantNode) PackAttackRegistry() []byte {
	enc, err := reentrantNode.abi.Pack("attackRegistry")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAttackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe7a01274.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function attackRegistry() view returns(bool)
func (reentrantNode *ReentrantNode) TryPackAttackRegistry() ([]byte, error) {
	return reentrantNode.abi.Pack("attackRegistry")
}

// UnpackAttackRegistry is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe7a01274.
//
// Solidity: function attackRegistry() view returns(bool)
func (reentrantNode *ReentrantNode) UnpackAttackRegistry(data []byte) (bool, error) {
	out, err := reentrantNode.abi.Unpack("attackRegistry", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackCommit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2f03877.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function commit(uint256 id, bytes32 c) returns()
func (reentrantNode *ReentrantNode) PackCommit(id *big.Int, c [32]byte) []byte {
	enc, err := reentrantNode.abi.Pack("commit", id, c)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCommit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2f03877.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function commit(uint256 id, bytes32 c) returns()
func (reentrantNode *ReentrantNode) TryPackCommit(id *big.Int, c [32]byte) ([]byte, error) {
	return reentrantNode.abi.Pack("commit", id, c)
}

// PackDisclose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x168fb668.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function disclose(uint256 id, bytes score, bytes32 nonce) returns()
func (reentrantNode *ReentrantNode) PackDisclose(id *big.Int, score []byte, nonce [32]byte) []byte {
	enc, err := reentrantNode.abi.Pack("disclose", id, score, nonce)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDisclose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x168fb668.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function disclose(uint256 id, bytes score, bytes32 nonce) returns()
func (reentrantNode *ReentrantNode) TryPackDisclose(id *big.Int, score []byte, nonce [32]byte) ([]byte, error) {
	return reentrantNode.abi.Pack("disclose", id, score, nonce)
}

// PackJoin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9e6d125c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function join(string gpu, uint32 vram, uint24 version, bytes32[] models) payable returns()
func (reentrantNode *ReentrantNode) PackJoin(gpu string, vram uint32, version *big.Int, models [][32]byte) []byte {
	enc, err := reentrantNode.abi.Pack("join", gpu, vram, version, models)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackJoin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9e6d125c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function join(string gpu, uint32 vram, uint24 version, bytes32[] models) payable returns()
func (reentrantNode *ReentrantNode) TryPackJoin(gpu string, vram uint32, version *big.Int, models [][32]byte) ([]byte, error) {
	return reentrantNode.abi.Pack("join", gpu, vram, version, models)
}

// PackQuit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc2b8cc3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function quit() returns()
func (reentrantNode *ReentrantNode) PackQuit() []byte {
	enc, err := reentrantNode.abi.Pack("quit")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackQuit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc2b8cc3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function quit() returns()
func (reentrantNode *ReentrantNode) TryPackQuit() ([]byte, error) {
	return reentrantNode.abi.Pack("quit")
}

// PackReentries is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6578986d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reentries() view returns(uint256)
func (reentrantNode *ReentrantNode) PackReentries() []byte {
	enc, err := reentrantNode.abi.Pack("reentries")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReentries is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6578986d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reentries() view returns(uint256)
func (reentrantNode *ReentrantNode) TryPackReentries() ([]byte, error) {
	return reentrantNode.abi.Pack("reentries")
}

// UnpackReentries is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6578986d.
//
// Solidity: function reentries() view returns(uint256)
func (reentrantNode *ReentrantNode) UnpackReentries(data []byte) (*big.Int, error) {
	out, err := reentrantNode.abi.Unpack("reentries", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registry() view returns(address)
func (reentrantNode *ReentrantNode) PackRegistry() []byte {
	enc, err := reentrantNode.abi.Pack("registry")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registry() view returns(address)
func (reentrantNode *ReentrantNode) TryPackRegistry() ([]byte, error) {
	return reentrantNode.abi.Pack("registry")
}

// UnpackRegistry is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (reentrantNode *ReentrantNode) UnpackRegistry(data []byte) (common.Address, error) {
	out, err := reentrantNode.abi.Unpack("registry", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackTasks is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc305a6d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tasks() view returns(address)
func (reentrantNode *ReentrantNode) PackTasks() []byte {
	enc, err := reentrantNode.abi.Pack("tasks")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTasks is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc305a6d9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function tasks() view returns(address)
func (reentrantNode *ReentrantNode) TryPackTasks() ([]byte, error) {
	return reentrantNode.abi.Pack("tasks")
}

// UnpackTasks is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc305a6d9.
//
// Solidity: function tasks() view returns(address)
func (reentrantNode *ReentrantNode) UnpackTasks(data []byte) (common.Address, error) {
	out, err := reentrantNode.abi.Unpack("tasks", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackWithdrawFees is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x476343ee.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawFees() returns()
func (reentrantNode *ReentrantNode) PackWithdrawFees() []byte {
	enc, err := reentrantNode.abi.Pack("withdrawFees")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawFees is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x476343ee.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawFees() returns()
func (reentrantNode *ReentrantNode) TryPackWithdrawFees() ([]byte, error) {
	return reentrantNode.abi.Pack("withdrawFees")
}

// PackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbed9d861.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawStake() returns()
func (reentrantNode *ReentrantNode) PackWithdrawStake() []byte {
	enc, err := reentrantNode.abi.Pack("withdrawStake")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbed9d861.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawStake() returns()
func (reentrantNode *ReentrantNode) TryPackWithdrawStake() ([]byte, error) {
	return reentrantNode.abi.Pack("withdrawStake")
}
