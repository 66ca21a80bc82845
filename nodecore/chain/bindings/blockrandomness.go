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
	ABI: "[{\"inputs\":[],\"name\":\"request\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"round\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"round\",\"type\":\"uint256\"}],\"name\":\"reveal\",\"outputs\":[{\"internalType\":\"enumRandomStatus\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"word\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "BlockRandomness",
	Bin: "0x6080806040523460155761012b908161001a8239f35b5f80fdfe60808060405260043610156011575f80fd5b5f3560e01c908163338cdca1146077575063c2ca0ac514602f575f80fd5b3460735760203660031901126073576047600435608d565b604051906003831015605f5760409282526020820152f35b634e487b7160e01b5f52602160045260245ffd5b5f80fd5b346073575f366003190112607357602090438152f35b8043111560ee57804090811560e55760405190602082019283526040820152604081526060810181811067ffffffffffffffff82111760d157604052519020600191565b634e487b7160e01b5f52604160045260245ffd5b50506002905f90565b505f905f9056fea2646970667358221220b6943c2408abb75651ba4aff9f570da8644c026042637bb918bfe8350649988d64736f6c63430008250033",
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

// PackRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x338cdca1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function request() view returns(uint256 round)
func (blockRandomness *BlockRandomness) PackRequest() []byte {
	enc, err := blockRandomness.abi.Pack("request")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x338cdca1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function request() view returns(uint256 round)
func (blockRandomness *BlockRandomness) TryPackRequest() ([]byte, error) {
	return blockRandomness.abi.Pack("request")
}

// UnpackRequest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x338cdca1.
//
// Solidity: function request() view returns(uint256 round)
func (blockRandomness *BlockRandomness) UnpackRequest(data []byte) (*big.Int, error) {
	out, err := blockRandomness.abi.Unpack("request", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackReveal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc2ca0ac5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reveal(uint256 round) view returns(uint8 status, uint256 word)
func (blockRandomness *BlockRandomness) PackReveal(round *big.Int) []byte {
	enc, err := blockRandomness.abi.Pack("reveal", round)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReveal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc2ca0ac5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reveal(uint256 round) view returns(uint8 status, uint256 word)
func (blockRandomness *BlockRandomness) TryPackReveal(round *big.Int) ([]byte, error) {
	return blockRandomness.abi.Pack("reveal", round)
}

// RevealOutput serves as a container for the return parameters of contract
// method Reveal.
type RevealOutput struct {
	Status uint8
	Word   *big.Int
}

// UnpackReveal is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc2ca0ac5.
//
// Solidity: function reveal(uint256 round) view returns(uint8 status, uint256 word)
func (blockRandomness *BlockRandomness) UnpackReveal(data []byte) (RevealOutput, error) {
	out, err := blockRandomness.abi.Unpack("reveal", data)
	outstruct := new(RevealOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Status = *abi.ConvertType(out[0], new(uint8)).(*uint8)
	outstruct.Word = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	return *outstruct, nil
}
