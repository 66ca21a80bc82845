// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

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

// BlockRandomnessMetaData contains all meta data concerning the BlockRandomness contract.
var BlockRandomnessMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"seed\",\"type\":\"bytes32\"}],\"name\":\"randomWord\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "BlockRandomness",
	Bin: "0x6080604052348015600e575f5ffd5b506101008061001c5f395ff3fe6080604052348015600e575f5ffd5b50600436106026575f3560e01c80638951bf0d14602a575b5f5ffd5b603960353660046090565b604b565b60405190815260200160405180910390f35b5f44605660014360a6565b6040805160208101939093529040908201526060810183905260800160408051601f19818403018152919052805160209091012092915050565b5f60208284031215609f575f5ffd5b5035919050565b8181038181111560c457634e487b7160e01b5f52601160045260245ffd5b9291505056fea264697066735822122090cc5d5ec6a4143d1e12c99ae71f092f1716898f96c1df9db683afa8f10d391964736f6c63430008250033",
}

// BlockRandomness is an auto generated Go binding around an Ethereum contract.
type BlockRandomness struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *BlockRandomness) GetABI() abi.ABI {
	return c.abi
}

// NewBlockRandomness creates a new instance of BlockRandomness.
func NewBlockRandomness() *BlockRandomness {
	parsed, err := BlockRandomnessMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &BlockRandomness{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *BlockRandomness) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackRandomWord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8951bf0d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function randomWord(bytes32 seed) view returns(uint256)
func (blockRandomness *BlockRandomness) PackRandomWord(seed [32]byte) []byte {
	enc, err := blockRandomness.abi.Pack("randomWord", seed)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRandomWord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8951bf0d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function randomWord(bytes32 seed) view returns(uint256)
func (blockRandomness *BlockRandomness) TryPackRandomWord(seed [32]byte) ([]byte, error) {
	return blockRandomness.abi.Pack("randomWord", seed)
}

// UnpackRandomWord is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8951bf0d.
//
// Solidity: function randomWord(bytes32 seed) view returns(uint256)
func (blockRandomness *BlockRandomness) UnpackRandomWord(data []byte) (*big.Int, error) {
	out, err := blockRandomness.abi.Unpack("randomWord", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}
