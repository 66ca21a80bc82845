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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractNodeRegistry\",\"name\":\"r\",\"type\":\"address\"},{\"internalType\":\"contractTaskManager\",\"name\":\"t\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"attackRegistry\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"c\",\"type\":\"bytes32\"}],\"name\":\"commit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"score\",\"type\":\"bytes\"},{\"internalType\":\"bytes32\",\"name\":\"resultHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"}],\"name\":\"disclose\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"gpu\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"vram\",\"type\":\"uint32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"}],\"name\":\"join\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"quit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reentries\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractNodeRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"score\",\"type\":\"bytes\"},{\"internalType\":\"bytes32\",\"name\":\"resultHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"}],\"name\":\"submitResult\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"tasks\",\"outputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawFees\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawStake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "ReentrantNode",
	Bin: "0x60c0346100c957601f6108a638819003918201601f19168301916001600160401b038311848410176100cd5780849260409485528339810103126100c9578051906001600160a01b03821682036100c95760200151906001600160a01b03821682036100c95760805260a0526040516107c490816100e282396080518181816039015281816101c60152818161032c0152818161041701526104ea015260a05181818160b001528181610240015281816102dd0152818161054b015281816105ce01526106350152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe6080806040526004361015610132575b50361561001a575f80fd5b5f80545f19811461011e576001015f5560ff600154165f146100ad57807f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156100aa578190600460405180948193633ccfd60b60e01b83525af1801561009f5761008b57005b61009682809261070f565b61009c57005b80fd5b6040513d84823e3d90fd5b50fd5b507f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b1561011a575f8091600460405180948193633ccfd60b60e01b83525af1801561010f5761010357005b5f61010d9161070f565b005b6040513d5f823e3d90fd5b5f80fd5b634e487b7160e01b5f52601160045260245ffd5b5f905f3560e01c9081630ed9b2f41461062257508063476343ee146105b05780634fd1510c146105365780636578986d146105195780637b103999146104d45780639e6d125c14610380578063bed9d8611461030c578063c305a6d9146102c7578063e7a01274146102a4578063f2f038771461022b5763fc2b8cc30361000f573461009c578060031936011261009c57807f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156100aa5781809160046040518094819363fc2b8cc360e01b83525af1801561009f5761021a5750f35b816102249161070f565b61009c5780f35b503461009c57604036600319011261009c57807f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156100aa5781809160446040518094819363f2f0387760e01b8352600435600484015260243560248401525af1801561009f5761021a5750f35b503461009c578060031936011261009c57602060ff600154166040519015158152f35b503461009c578060031936011261009c576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b503461009c578060031936011261009c576001805460ff191681179055807f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156100aa57818091600460405180948193633ccfd60b60e01b83525af1801561009f5761021a5750f35b50608036600319011261009c578060043567ffffffffffffffff81116100aa576103ae9036906004016106a5565b906024359063ffffffff82168092036104cf576044359062ffffff82168092036104cb576064359167ffffffffffffffff83116104bb57366023840112156104bb57826004013567ffffffffffffffff81116104c7578060051b9136602484870101116104c3577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031693843b156104bf5760405163279b449760e21b8152608060048201529761046b9160848a019190610745565b602488019690965260448701528585036003190160648701528085526001600160fb1b03106104bb576020858288968296946024849601858301370103019134905af1801561009f5761021a5750f35b8580fd5b8880fd5b8780fd5b8680fd5b8480fd5b505050fd5b503461009c578060031936011261009c576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b503461009c578060031936011261009c5760209054604051908152f35b503461009c5780610546366106d3565b9093927f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031691823b156104c757869461059f8692604051988997889687956313f4544360e21b875260048701610765565b03925af1801561009f5761021a5750f35b503461009c578060031936011261009c576001805460ff19169055807f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156100aa57818091600460405180948193633ccfd60b60e01b83525af1801561009f5761021a5750f35b90503461011a57610632366106d3565b927f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169290833b1561011a576303b66cbd60e21b87525f9587958694889486946106879460048701610765565b03925af1801561010f57610699575080f35b61010d91505f9061070f565b9181601f8401121561011a5782359167ffffffffffffffff831161011a576020838186019501011161011a57565b90608060031983011261011a57600435916024359067ffffffffffffffff821161011a57610703916004016106a5565b90916044359060643590565b90601f8019910116810190811067ffffffffffffffff82111761073157604052565b634e487b7160e01b5f52604160045260245ffd5b908060209392818452848401375f828201840152601f01601f1916010190565b9160609361078492979695978452608060208501526080840191610745565b946040820152015256fea264697066735822122004727446536d032ad27f66da4809c3174da63b8ace7d4aae7a4366ea19cd984f64736f6c63430008250033",
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
// the contract method with ID 0x4fd1510c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function disclose(uint256 id, bytes score, bytes32 resultHash, bytes32 nonce) returns()
func (reentrantNode *ReentrantNode) PackDisclose(id *big.Int, score []byte, resultHash [32]byte, nonce [32]byte) []byte {
	enc, err := reentrantNode.abi.Pack("disclose", id, score, resultHash, nonce)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDisclose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4fd1510c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function disclose(uint256 id, bytes score, bytes32 resultHash, bytes32 nonce) returns()
func (reentrantNode *ReentrantNode) TryPackDisclose(id *big.Int, score []byte, resultHash [32]byte, nonce [32]byte) ([]byte, error) {
	return reentrantNode.abi.Pack("disclose", id, score, resultHash, nonce)
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

// PackSubmitResult is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0ed9b2f4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function submitResult(uint256 id, bytes score, bytes32 resultHash, bytes32 nonce) returns()
func (reentrantNode *ReentrantNode) PackSubmitResult(id *big.Int, score []byte, resultHash [32]byte, nonce [32]byte) []byte {
	enc, err := reentrantNode.abi.Pack("submitResult", id, score, resultHash, nonce)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubmitResult is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0ed9b2f4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function submitResult(uint256 id, bytes score, bytes32 resultHash, bytes32 nonce) returns()
func (reentrantNode *ReentrantNode) TryPackSubmitResult(id *big.Int, score []byte, resultHash [32]byte, nonce [32]byte) ([]byte, error) {
	return reentrantNode.abi.Pack("submitResult", id, score, resultHash, nonce)
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
