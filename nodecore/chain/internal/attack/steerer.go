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

// TaskManagerSpec is an auto generated low-level Go binding around an user-defined struct.
type TaskManagerSpec struct {
	TaskType   uint8
	ArgsHash   [32]byte
	Models     [][32]byte
	MinVramMiB uint32
	GpuId      [32]byte
	Version    *big.Int
}

// SteererMetaData contains all meta data concerning the Steerer contract.
var SteererMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"tasks_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"seated\",\"type\":\"uint8\"}],\"name\":\"Unlucky\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"allies\",\"type\":\"address[]\"}],\"name\":\"addAllies\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"ally\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"enumTaskManager.TaskType\",\"name\":\"taskType\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"argsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint32\",\"name\":\"minVramMiB\",\"type\":\"uint32\"},{\"internalType\":\"bytes32\",\"name\":\"gpuId\",\"type\":\"bytes32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"internalType\":\"structTaskManager.Spec\",\"name\":\"spec\",\"type\":\"tuple\"},{\"internalType\":\"uint32\",\"name\":\"timeout\",\"type\":\"uint32\"}],\"name\":\"create\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"enumTaskManager.TaskType\",\"name\":\"taskType\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"argsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint32\",\"name\":\"minVramMiB\",\"type\":\"uint32\"},{\"internalType\":\"bytes32\",\"name\":\"gpuId\",\"type\":\"bytes32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"internalType\":\"structTaskManager.Spec\",\"name\":\"spec\",\"type\":\"tuple\"},{\"internalType\":\"uint8\",\"name\":\"want\",\"type\":\"uint8\"}],\"name\":\"steer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"tasks\",\"outputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "Steerer",
	Bin: "0x60c0346100a657601f610b5938819003918201601f19168301916001600160401b038311848410176100aa578084926020946040528339810103126100a657516001600160a01b03811681036100a6576080523360a052604051610a9a90816100bf823960805181818160860152818161023b01528181610419015261062d015260a05181818160fa015281816101d4015281816102d50152818161035901526103e70152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe608080604052600436101561001c575b50361561001a575f80fd5b005b5f905f3560e01c9081633ccfd60b146103d45750806357f7f91e146103045780638da5cb5b146102bf578063a4aafe0014610193578063b113334c14610152578063b28969a4146100b85763c305a6d90361000f57346100b557806003193601126100b5576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b80fd5b50346100b55760603660031901126100b55760243567ffffffffffffffff811161014e5760c0600319823603011261014e576044359060ff8216820361014a577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361013b579061013891600401600435610628565b80f35b6330cd747160e01b8352600483fd5b8280fd5b5080fd5b50346100b55760203660031901126100b5576004356001600160a01b0381169081900361014e5760408260ff92602094528084522054166040519015158152f35b5060403660031901126100b55760043567ffffffffffffffff811161014e5760c0600319823603011261014e576024359063ffffffff821680920361014a577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361013b5761022e60209160405193849283926323bb077160e21b8452604060048501526044840190600401610530565b60248301919091520381347f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03165af19081156102b457829161027e575b602082604051908152f35b90506020813d6020116102ac575b81610299602093836104fa565b8101031261014e5760209150515f610273565b3d915061028c565b6040513d84823e3d90fd5b50346100b557806003193601126100b5576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b50346100b55760203660031901126100b55760043567ffffffffffffffff811161014e573660238201121561014e5780600401359067ffffffffffffffff821161014a573660248360051b8301011161014a577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361013b57825b828110156103d0576024600582901b830101356001600160a01b03811691908290036103cc57600191855284602052604085208260ff1982541617905501610389565b8480fd5b8380f35b82346104e7575f3660031901126104e7577f0000000000000000000000000000000000000000000000000000000000000000916001600160a01b03831633036104eb577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156104e757816004815f8094633ccfd60b60e01b83525af180156104dc576104c9575b50808080809447905af13d156104c4573d67ffffffffffffffff81116104b0576040519061049e601f8201601f1916602001836104fa565b81528260203d92013e5b156100b55780f35b634e487b7160e01b83526041600452602483fd5b6104a8565b6104d591505f906104fa565b5f82610466565b6040513d5f823e3d90fd5b5f80fd5b6330cd747160e01b5f5260045ffd5b90601f8019910116810190811067ffffffffffffffff82111761051c57604052565b634e487b7160e01b5f52604160045260245ffd5b803560028110156104e7578252602081013560208301526040810135601e19823603018112156104e75781019060208235920167ffffffffffffffff83116104e7578260051b9283360382136104e75760c06040860181905285018190526001600160fb1b03106104e757829060e085013760608101359063ffffffff82168092036104e75760a09160608501526080810135608085015201359162ffffff83168093036104e75760e09260a0820152010190565b51906001600160a01b03821682036104e757565b519064ffffffffff821682036104e757565b519060ff821682036104e757565b519061ffff821682036104e757565b9091907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690813b156104e757604051630bfb56e760e41b81525f81806106898398866004840152604060248401526044830190610530565b038183875af180156104dc57610a4d575b506104e090602460405180948193630eb2f3bf60e11b835260048301525afa908115610a425783916107a1575b50610120810151600981101561078d575f1901610788578290835b6003811061071057505060ff809116911681106106fd575050565b630891e39f60e21b825260045260249150fd5b6102a0820151600982101561077457600582901b01516001600160a01b031685526020859052604085205460ff1661074b575b6001016106e2565b9160ff1660ff81146107605760010191610743565b634e487b7160e01b85526011600452602485fd5b634e487b7160e01b86526032600452602486fd5b505050565b634e487b7160e01b84526021600452602484fd5b90506104e03d8111610a3b575b6107b881836104fa565b8101906104e081830312610a3757604051916102e0830183811067ffffffffffffffff821117610a23576040526107ee826105e5565b835260208201516bffffffffffffffffffffffff81168103610a1f57602084015260408201516040840152606082015160608401526080820151608084015261083960a083016105f9565b60a084015261084a60c083016105f9565b60c084015261085b60e083016105f9565b60e084015261010082015163ffffffff81168103610a1f576101008401526101208201516009811015610a1f576101208401526101408201516002811015610a1f576101408401526101608201516005811015610a1f576101608401526108c5610180830161060b565b6101808401526108d86101a08301610619565b6101a08401526108eb6101c08301610619565b6101c08401526108fe6101e08301610619565b6101e08401526109116102008301610619565b6102008401526109246102208301610619565b61022084015261024082015168ffffffffffffffffff81168103610a1f576102408401526102608201518015158103610a1f5761026084015261096a610280830161060b565b610280840152806102bf830112156103cc576101209160405161098d84826104fa565b806103c0830191848311610a1b576102a08401905b838210610a035750506102a0860152826103df830112156109ff576109ca60405194856104fa565b6104e08492019283116109ff57905b8282106109ef575050506102c08201525f6106c7565b81518152602091820191016109d9565b8680fd5b60208091610a10846105e5565b8152019101906109a2565b8880fd5b8580fd5b634e487b7160e01b86526041600452602486fd5b8380fd5b503d6107ae565b6040513d85823e3d90fd5b610a5a9194505f906104fa565b5f926104e061069a56fea264697066735822122055b73e65c1d0532b8a9082335e14b8ce4f7d570e00bef0ec09d50e32c96f614864736f6c63430008250033",
}

// Steerer is an auto generated Go binding around an Ethereum contract.
type Steerer struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Steerer) GetABI() abi.ABI {
	return c.abi
}

// NewSteerer creates a new instance of Steerer.
func NewSteerer() *Steerer {
	parsed, err := SteererMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Steerer{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Steerer) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address tasks_) returns()
func (steerer *Steerer) PackConstructor(tasks_ common.Address) []byte {
	enc, err := steerer.abi.Pack("", tasks_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAddAllies is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x57f7f91e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addAllies(address[] allies) returns()
func (steerer *Steerer) PackAddAllies(allies []common.Address) []byte {
	enc, err := steerer.abi.Pack("addAllies", allies)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddAllies is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x57f7f91e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addAllies(address[] allies) returns()
func (steerer *Steerer) TryPackAddAllies(allies []common.Address) ([]byte, error) {
	return steerer.abi.Pack("addAllies", allies)
}

// PackAlly is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb113334c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ally(address ) view returns(bool)
func (steerer *Steerer) PackAlly(arg0 common.Address) []byte {
	enc, err := steerer.abi.Pack("ally", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAlly is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb113334c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ally(address ) view returns(bool)
func (steerer *Steerer) TryPackAlly(arg0 common.Address) ([]byte, error) {
	return steerer.abi.Pack("ally", arg0)
}

// UnpackAlly is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb113334c.
//
// Solidity: function ally(address ) view returns(bool)
func (steerer *Steerer) UnpackAlly(data []byte) (bool, error) {
	out, err := steerer.abi.Unpack("ally", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackCreate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa4aafe00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function create((uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint32 timeout) payable returns(uint256)
func (steerer *Steerer) PackCreate(spec TaskManagerSpec, timeout uint32) []byte {
	enc, err := steerer.abi.Pack("create", spec, timeout)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa4aafe00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function create((uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint32 timeout) payable returns(uint256)
func (steerer *Steerer) TryPackCreate(spec TaskManagerSpec, timeout uint32) ([]byte, error) {
	return steerer.abi.Pack("create", spec, timeout)
}

// UnpackCreate is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa4aafe00.
//
// Solidity: function create((uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint32 timeout) payable returns(uint256)
func (steerer *Steerer) UnpackCreate(data []byte) (*big.Int, error) {
	out, err := steerer.abi.Unpack("create", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (steerer *Steerer) PackOwner() []byte {
	enc, err := steerer.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (steerer *Steerer) TryPackOwner() ([]byte, error) {
	return steerer.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (steerer *Steerer) UnpackOwner(data []byte) (common.Address, error) {
	out, err := steerer.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSteer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb28969a4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function steer(uint256 id, (uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint8 want) returns()
func (steerer *Steerer) PackSteer(id *big.Int, spec TaskManagerSpec, want uint8) []byte {
	enc, err := steerer.abi.Pack("steer", id, spec, want)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSteer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb28969a4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function steer(uint256 id, (uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint8 want) returns()
func (steerer *Steerer) TryPackSteer(id *big.Int, spec TaskManagerSpec, want uint8) ([]byte, error) {
	return steerer.abi.Pack("steer", id, spec, want)
}

// PackTasks is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc305a6d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tasks() view returns(address)
func (steerer *Steerer) PackTasks() []byte {
	enc, err := steerer.abi.Pack("tasks")
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
func (steerer *Steerer) TryPackTasks() ([]byte, error) {
	return steerer.abi.Pack("tasks")
}

// UnpackTasks is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc305a6d9.
//
// Solidity: function tasks() view returns(address)
func (steerer *Steerer) UnpackTasks(data []byte) (common.Address, error) {
	out, err := steerer.abi.Unpack("tasks", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw() returns()
func (steerer *Steerer) PackWithdraw() []byte {
	enc, err := steerer.abi.Pack("withdraw")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw() returns()
func (steerer *Steerer) TryPackWithdraw() ([]byte, error) {
	return steerer.abi.Pack("withdraw")
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (steerer *Steerer) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], steerer.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return steerer.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], steerer.abi.Errors["Unlucky"].ID.Bytes()[:4]) {
		return steerer.UnpackUnluckyError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// SteererNotOwner represents a NotOwner error raised by the Steerer contract.
type SteererNotOwner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner()
func SteererNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x30cd74712f59d478562d48e2d35de830db72c60a63dd08ae59199eec990b5bc4")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner()
func (steerer *Steerer) UnpackNotOwnerError(raw []byte) (*SteererNotOwner, error) {
	out := new(SteererNotOwner)
	if err := steerer.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SteererUnlucky represents a Unlucky error raised by the Steerer contract.
type SteererUnlucky struct {
	Seated uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Unlucky(uint8 seated)
func SteererUnluckyErrorID() common.Hash {
	return common.HexToHash("0x22478e7cf7d2858fba6db180b524d0bdfe9f9ec669453ac08892b7eaaa8c49c8")
}

// UnpackUnluckyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Unlucky(uint8 seated)
func (steerer *Steerer) UnpackUnluckyError(raw []byte) (*SteererUnlucky, error) {
	out := new(SteererUnlucky)
	if err := steerer.abi.UnpackIntoInterface(out, "Unlucky", raw); err != nil {
		return nil, err
	}
	return out, nil
}
