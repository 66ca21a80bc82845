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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"tasks_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"seated\",\"type\":\"uint8\"}],\"name\":\"Unlucky\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"allies\",\"type\":\"address[]\"}],\"name\":\"addAllies\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"ally\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"enumTaskManager.TaskType\",\"name\":\"taskType\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"argsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint32\",\"name\":\"minVramMiB\",\"type\":\"uint32\"},{\"internalType\":\"bytes32\",\"name\":\"gpuId\",\"type\":\"bytes32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"internalType\":\"structTaskManager.Spec\",\"name\":\"spec\",\"type\":\"tuple\"},{\"internalType\":\"uint32\",\"name\":\"timeout\",\"type\":\"uint32\"}],\"name\":\"create\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"enumTaskManager.TaskType\",\"name\":\"taskType\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"argsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint32\",\"name\":\"minVramMiB\",\"type\":\"uint32\"},{\"internalType\":\"bytes32\",\"name\":\"gpuId\",\"type\":\"bytes32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"internalType\":\"structTaskManager.Spec\",\"name\":\"spec\",\"type\":\"tuple\"},{\"internalType\":\"uint8\",\"name\":\"want\",\"type\":\"uint8\"}],\"name\":\"steer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"enumTaskManager.TaskType\",\"name\":\"taskType\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"argsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"models\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint32\",\"name\":\"minVramMiB\",\"type\":\"uint32\"},{\"internalType\":\"bytes32\",\"name\":\"gpuId\",\"type\":\"bytes32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"internalType\":\"structTaskManager.Spec\",\"name\":\"spec\",\"type\":\"tuple\"},{\"internalType\":\"uint8\",\"name\":\"want\",\"type\":\"uint8\"}],\"name\":\"steerPanel\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"tasks\",\"outputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "Steerer",
	Bin: "0x60c0346100b457601f610dfc38819003918201601f19168301916001600160401b038311848410176100b8578084926020946040528339810103126100b457516001600160a01b03811681036100b4576080523360a052604051610d2f90816100cd8239608051818181609201528181610210015281816103f20152818161097e0152610b8e015260a05181818160d9015281816101a9015281816102ae01528181610332015281816103c001526104e90152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe6080604052600436101561001a575b3615610018575f80fd5b005b5f5f3560e01c8063305c3c97146104d85780633ccfd60b146103ad57806357f7f91e146102dd5780638da5cb5b14610298578063a4aafe0014610168578063b113334c14610123578063b28969a4146100c45763c305a6d91461007d575061000e565b346100c157806003193601126100c1576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b80fd5b50346100c1576100d336610520565b919291907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03163303610114576101119293610b89565b80f35b6330cd747160e01b8352600483fd5b50346100c15760203660031901126100c1576004356001600160a01b038116908190036101645760408260ff92602094528084522054166040519015158152f35b5080fd5b5060403660031901126100c15760043567ffffffffffffffff81116101645760c06003198236030112610164576024359063ffffffff8216809203610294577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031633036101145761020360209160405193849283926323bb077160e21b845260406004850152604484019060040161059d565b60248301919091520381347f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03165af1908115610289578291610253575b602082604051908152f35b90506020813d602011610281575b8161026e60209383610567565b810103126101645760209150515f610248565b3d9150610261565b6040513d84823e3d90fd5b8280fd5b50346100c157806003193601126100c1576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b50346100c15760203660031901126100c15760043567ffffffffffffffff811161016457366023820112156101645780600401359067ffffffffffffffff8211610294573660248360051b83010111610294577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361011457825b828110156103a9576024600582901b830101356001600160a01b03811691908290036103a557600191855284602052604085208260ff1982541617905501610362565b8480fd5b8380f35b50346104c5575f3660031901126104c5577f0000000000000000000000000000000000000000000000000000000000000000906001600160a01b03821633036104c9577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316803b156104c5575f8091600460405180948193633ccfd60b60e01b83525af180156104ba576104a7575b50808080809447905af13d156104a2573d67ffffffffffffffff811161048e576040519061047c601f8201601f191660200183610567565b81528260203d92013e5b156100c15780f35b634e487b7160e01b83526041600452602483fd5b610486565b6104b391505f90610567565b5f5f610444565b6040513d5f823e3d90fd5b5f80fd5b6330cd747160e01b5f5260045ffd5b346104c5576104e636610520565b907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031633036104c95761001892610978565b9060606003198301126104c557600435916024359067ffffffffffffffff82116104c55760c09082900360031901126104c5576004019060443560ff811681036104c55790565b90601f8019910116810190811067ffffffffffffffff82111761058957604052565b634e487b7160e01b5f52604160045260245ffd5b803560028110156104c5578252602081013560208301526040810135601e19823603018112156104c55781019060208235920167ffffffffffffffff83116104c5578260051b9283360382136104c55760c06040860181905285018190526001600160fb1b03106104c557829060e085013760608101359063ffffffff82168092036104c55760a09160608501526080810135608085015201359162ffffff83168093036104c55760e09260a0820152010190565b60409061066993928152816020820152019061059d565b90565b51906001600160a01b03821682036104c557565b519064ffffffffff821682036104c557565b519060ff821682036104c557565b519061ffff821682036104c557565b610520818303126104c55760405191610320830183811067ffffffffffffffff821117610589576040526106e28261066c565b835260208201516bffffffffffffffffffffffff811681036104c557602084015260408201516040840152606082015160608401526080820151608084015261072d60a08301610680565b60a084015261073e60c08301610680565b60c084015261074f60e08301610680565b60e084015261010082015163ffffffff811681036104c55761010084015261012082015160098110156104c55761012084015261014082015160028110156104c55761014084015261016082015160068110156104c5576101608401526107b96101808301610692565b6101808401526107cc6101a083016106a0565b6101a08401526107df6101c083016106a0565b6101c08401526107f26101e083016106a0565b6101e084015261080561020083016106a0565b61020084015261081861022083016106a0565b61022084015261024082015168ffffffffffffffffff811681036104c55761024084015261026082015180151581036104c55761026084015261085e6102808301610692565b6102808401526108716102a08301610680565b6102a08401526108846102c08301610680565b6102c0840152806102ff830112156104c557610120916040516108a78482610567565b806104008301918483116104c5576102e08401905b8382106109165750506102e08601528261041f830112156104c5576108e46040519485610567565b6105208492019283116104c557905b8282106109065750505061030082015290565b81518152602091820191016108f3565b602080916109238461066c565b8152019101906108bc565b90600981101561093f5760051b0190565b634e487b7160e01b5f52603260045260245ffd5b60ff1660ff81146109645760010190565b634e487b7160e01b5f52601160045260245ffd5b909291907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690813b156104c557604051630bfb56e760e41b8152946109ca908260048801610652565b945f81808298038183875af180156104ba57610b72575b5061052090602460405180948193630eb2f3bf60e11b835260048301525afa908115610b67578491610b38575b506101208101516009811015610b2457600714801590610b11575b8015610aff575b610af95761018081015160ff16600203610af05760ff60065b16928492846003810180911195865b610adc5781811015610ab0576102e08501516001600160a01b0390610a7e90839061092e565b511688528760205260ff604089205416610a9c575b60010186610a58565b94610aa8600191610953565b959050610a93565b50509260ff925082919594501691168110610ac9575050565b630891e39f60e21b825260045260249150fd5b634e487b7160e01b88526011600452602488fd5b60ff6003610a49565b50509050565b5061ffff6101a0820151161515610a30565b5064ffffffffff60c08201511615610a29565b634e487b7160e01b85526021600452602485fd5b610b5a91506105203d8111610b60575b610b528183610567565b8101906106af565b5f610a0e565b503d610b48565b6040513d86823e3d90fd5b610b7f9195505f90610567565b5f936105206109e1565b9091907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690813b156104c557604051630bfb56e760e41b815293610bda908260048701610652565b935f81808297038183875af180156104ba57610ce2575b5061052090602460405180948193630eb2f3bf60e11b835260048301525afa908115610cd7578391610cb8575b506101208101516009811015610ca4575f1901610c9f578290835b60038110610c5457505060ff80911691168110610ac9575050565b6102e08201516001600160a01b0390610c6e90839061092e565b511685528460205260ff604086205416610c8b575b600101610c39565b91610c97600191610953565b929050610c83565b505050565b634e487b7160e01b84526021600452602484fd5b610cd191506105203d8111610b6057610b528183610567565b5f610c1e565b6040513d85823e3d90fd5b610cef9194505f90610567565b5f92610520610bf156fea264697066735822122004b0e3fb13619187dff6dacf44b690e87ffb58f07235008d4bb1ee34420fd87464736f6c63430008250033",
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

// PackSteerPanel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x305c3c97.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function steerPanel(uint256 id, (uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint8 want) returns()
func (steerer *Steerer) PackSteerPanel(id *big.Int, spec TaskManagerSpec, want uint8) []byte {
	enc, err := steerer.abi.Pack("steerPanel", id, spec, want)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSteerPanel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x305c3c97.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function steerPanel(uint256 id, (uint8,bytes32,bytes32[],uint32,bytes32,uint24) spec, uint8 want) returns()
func (steerer *Steerer) TryPackSteerPanel(id *big.Int, spec TaskManagerSpec, want uint8) ([]byte, error) {
	return steerer.abi.Pack("steerPanel", id, spec, want)
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
