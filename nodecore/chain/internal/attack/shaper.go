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

// ShaperMetaData contains all meta data concerning the Shaper contract.
var ShaperMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"t\",\"type\":\"address\"},{\"internalType\":\"contractNodeRegistry\",\"name\":\"r\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"seated\",\"type\":\"uint8\"}],\"name\":\"Probe\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"best\",\"type\":\"uint8\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"allAvailable\",\"type\":\"uint8\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"mask\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8[]\",\"name\":\"byMask\",\"type\":\"uint8[]\"}],\"name\":\"Shaped\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"spec\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"mask\",\"type\":\"uint256\"}],\"name\":\"probe\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"puppets\",\"outputs\":[{\"internalType\":\"contractPuppet\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractNodeRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"spec\",\"type\":\"bytes\"}],\"name\":\"shape\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"gpu\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"vram\",\"type\":\"uint32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"name\":\"spawn\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"tasks\",\"outputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Shaper",
	Bin: "0x60e0346100b557601f6117e838819003918201601f19168301916001600160401b038311848410176100b95780849260409485528339810103126100b5578051906001600160a01b03821682036100b55760200151906001600160a01b03821682036100b55760805260a0523360c05260405161171a90816100ce82396080518181816105e20152610e56015260a0518181816101fa01526104ef015260c0518181816101c60152818161032d01526105330152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe60806040526004361015610011575f80fd5b5f3560e01c80630a46e3e9146100845780631e1353661461007f5780633758f5d11461007a5780637b103999146100755780638da5cb5b14610070578063b6ed4bca1461006b5763c305a6d914610066575f80fd5b6105cd565b610562565b61051e565b6104da565b6102f3565b61017a565b346100dc5760203660031901126100dc576004355f548110156100dc575f80527f290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e56301546040516001600160a01b039091168152602090f35b5f80fd5b634e487b7160e01b5f52603260045260245ffd5b5f5481101561010a575f805260205f2001905f90565b6100e0565b9181601f840112156100dc5782359167ffffffffffffffff83116100dc57602083818601950101116100dc57565b63ffffffff8116036100dc57565b35906101568261013d565b565b6064359062ffffff821682036100dc57565b359062ffffff821682036100dc57565b60803660031901126100dc5760043560243567ffffffffffffffff81116100dc576101a990369060040161010f565b60443592916101b78461013d565b6101bf610158565b936101f4337f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031614610611565b610fba937f000000000000000000000000000000000000000000000000000000000000000061072b5f5b83811061022757005b60405182810181811067ffffffffffffffff8211176102ee5761025d858392868d85396001600160a01b03909116815260200190565b03905ff09081156102e9576001600160a01b0382169161027d8634610637565b92803b156100dc57875f918b8e968c6102ac604051998a9687958694631d417b9760e11b8652600486016106b3565b03925af19081156102e9576001936102c9926102cf575b506106e1565b0161021e565b806102dd5f6102e393610671565b806104d0565b5f6102c3565b61062c565b610618565b346100dc5760403660031901126100dc5760043560243567ffffffffffffffff81116100dc5761032790369060040161010f565b61035b337f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031614610611565b60015f541b5f915f935f9161036f8461076f565b935f5b8181106103ca57887f3689da6e3fc348f1f80decbc73dd3d2df9b908146c349da9e4bb2fb69c5837fc89896103c58a8a6103b8816103b28c8e018e6108cb565b89610db6565b506040519485948561096a565b0390a2005b5f303b156100dc57835f868c6103f5866040519586948594635b76a5e560e11b8652600486016107a1565b038183305af190816104bc575b506104b757506104106107c4565b805160248114801590610494575b61048e575061044061043261044692610840565b516001600160f81b03191690565b60f81c90565b61045c81610454848a610850565b9060ff169052565b8115610486575b60ff881660ff82161161047a575b50600101610372565b96509350836001610471565b975087610463565b60208201fd5b5063361b099560e11b6001600160e01b03196104af84610803565b16141561041e565b610446565b806102dd5f6104ca93610671565b5f610402565b5f9103126100dc57565b346100dc575f3660031901126100dc576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b346100dc575f3660031901126100dc576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b346100dc5760603660031901126100dc5760043560243567ffffffffffffffff81116100dc5761059690369060040161010f565b91604435903033036100dc576105b48360ff956105ba9501906108cb565b90610db6565b63361b099560e11b5f521660045260245ffd5b346100dc575f3660031901126100dc576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b156100dc57565b634e487b7160e01b5f52604160045260245ffd5b6040513d5f823e3d90fd5b8115610641570490565b634e487b7160e01b5f52601260045260245ffd5b60c0810190811067ffffffffffffffff8211176102ee57604052565b90601f8019910116810190811067ffffffffffffffff8211176102ee57604052565b908060209392818452848401375f828201840152601f01601f1916010190565b92949363ffffffff6106d462ffffff93604095606088526060880191610693565b9616602085015216910152565b5f54680100000000000000008110156102ee57600181015f555f5481101561010a575f80527f290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e5630180546001600160a01b0319166001600160a01b03909216919091179055565b6040519061015661032083610671565b67ffffffffffffffff81116102ee5760051b60200190565b9061077982610757565b6107866040519182610671565b8281528092610797601f1991610757565b0190602036910137565b949392916040926107bf928752606060208801526060870191610693565b930152565b3d156107fe573d9067ffffffffffffffff82116102ee57604051916107f3601f8201601f191660200184610671565b82523d5f602084013e565b606090565b80516020909101516001600160e01b0319811692919060048210610825575050565b6001600160e01b031960049290920360031b82901b16169150565b80516023101561010a5760430190565b805182101561010a5760209160051b010190565b600211156100dc57565b9080601f830112156100dc57813561088581610757565b926108936040519485610671565b81845260208085019260051b8201019283116100dc57602001905b8282106108bb5750505090565b81358152602091820191016108ae565b6020818303126100dc5780359067ffffffffffffffff82116100dc570160c0818303126100dc57604051916108ff83610655565b813561090a81610864565b83526020820135602084015260408201359167ffffffffffffffff83116100dc5761093c60a09261096294830161086e565b604085015261094d6060820161014b565b6060850152608081013560808501520161016a565b60a082015290565b60a0919360ff60209481608085019716845216848301526040820152608060608201528451809452019201905f5b8181106109a55750505090565b825160ff16845260209384019390920191600101610998565b9081526040602082015261010081019180516002811015610a5e5760408301526020810151606083015260408101519260c060808401528351809152602061012084019401905f5b818110610a48575050509060e060a083610a2f6060610a459601518386019063ffffffff169052565b608081015160c0850152015162ffffff16910152565b90565b8251865260209586019590920191600101610a06565b634e487b7160e01b5f52602160045260245ffd5b51906001600160a01b03821682036100dc57565b51906bffffffffffffffffffffffff821682036100dc57565b519064ffffffffff821682036100dc57565b51906101568261013d565b519060098210156100dc57565b519061015682610864565b519060068210156100dc57565b519060ff821682036100dc57565b519061ffff821682036100dc57565b519068ffffffffffffffffff821682036100dc57565b519081151582036100dc57565b9080601f830112156100dc5761012060405192610b3e8285610671565b839181019283116100dc57905b828210610b585750505090565b60208091610b6584610a72565b815201910190610b4b565b9080601f830112156100dc5761012060405192610b8d8285610671565b839181019283116100dc57905b828210610ba75750505090565b8151815260209182019101610b9a565b90610520828203126100dc57610d7790610400610bd2610747565b93610bdc81610a72565b8552610bea60208201610a86565b6020860152604081015160408601526060810151606086015260808101516080860152610c1960a08201610a9f565b60a0860152610c2a60c08201610a9f565b60c0860152610c3b60e08201610a9f565b60e0860152610c4d6101008201610ab1565b610100860152610c606101208201610abc565b610120860152610c736101408201610ac9565b610140860152610c866101608201610ad4565b610160860152610c996101808201610ae1565b610180860152610cac6101a08201610aef565b6101a0860152610cbf6101c08201610aef565b6101c0860152610cd26101e08201610aef565b6101e0860152610ce56102008201610aef565b610200860152610cf86102208201610aef565b610220860152610d0b6102408201610afe565b610240860152610d1e6102608201610b14565b610260860152610d316102808201610ae1565b610280860152610d446102a08201610a9f565b6102a0860152610d576102c08201610a9f565b6102c0860152610d6b836102e08301610b21565b6102e086015201610b70565b61030082015290565b90600981101561010a5760051b0190565b60ff1660ff8114610da25760010190565b634e487b7160e01b5f52601160045260245ffd5b91925f915f5b5f54811015610e4f57610df5610de9610dd4836100f4565b905460039190911b1c6001600160a01b031690565b6001600160a01b031690565b90813b156100dc576040516305b0e2cf60e21b81526001821b881615156004820152915f908390602490829084905af19182156102e957600192610e3b575b5001610dbc565b806102dd5f610e4993610671565b5f610e34565b50919350917f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690813b156100dc575f610ea69360405180958192630bfb56e760e41b835285600484016109be565b038183865af19182156102e957610ee19361052093610fa5575b506040518080958194630eb2f3bf60e11b8352600483019190602083019252565b03915afa9081156102e9575f91610f76575b505f5f54905b60038110610f0657505050565b610f25610f18826102e0860151610d80565b516001600160a01b031690565b6001600160a01b03165f5b838110610f41575050600101610ef9565b610f53610de9610de9610dd4846100f4565b8214610f62575b600101610f30565b95610f6e600191610d91565b969050610f5a565b610f9891506105203d8111610f9e575b610f908183610671565b810190610bb7565b5f610ef3565b503d610f86565b806102dd5f610fb393610671565b5f610ec056fe60c03461009157601f61072b38819003918201601f19168301916001600160401b038311848410176100955780849260209460405283398101031261009157516001600160a01b0381168103610091576080523360a05260405161068190816100aa823960805181818160a70152818161017a01526102e9015260a051818181605f0152818161014601526102a90152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe6080806040526004361015610012575f80fd5b5f905f3560e01c90816316c38b3c14610286575080633a82f72e146100d65780637b1039991461009157638da5cb5b1461004a575f80fd5b3461008e578060031936011261008e576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b80fd5b503461008e578060031936011261008e576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b50606036600319011261008e576004359067ffffffffffffffff821161008e573660238301121561008e5781600401359167ffffffffffffffff83116102825736602484830101116102825760243563ffffffff811680910361027e576044359062ffffff821680920361027a577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361027a57604051947f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316926020916101b083896105e6565b8688525f368137843b156102765782979392918160c49260246040519963279b449760e21b8b52608060048c01528260848c01520160a48a01378860a4828a010152601f801991011687019060a48201946024890152604488015260031960a488830301016064880152845180945201920195855b82811061026257868087818180890381348c5af18015610257576102465750f35b81610250916105e6565b61008e5780f35b6040513d84823e3d90fd5b875184529681019692810192600101610225565b8680fd5b8380fd5b8280fd5b5080fd5b9050346103d05760203660031901126103d057600435908115801583036103d0577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031633036103d0576313a4120960e31b82523060048301527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169161030081602481865afa9081156103c5575f91610405575b50516006811015806103e5578594806103f9575b1561037757505050803b1561037457818091600460405180948193638456cb5960e01b83525af180156102575761024657505080f35b50fd5b9293509091826103d4575b505061038d575b5080f35b803b156103d0575f8091600460405180948193630237bed160e11b83525af180156103c55715610389576103c391505f906105e6565b005b6040513d5f823e3d90fd5b5f80fd5b9091506103e5576005145f80610382565b634e487b7160e01b5f52602160045260245ffd5b50505f6001821461033e565b90506103003d81116105df575b61041c81836105e6565b810190610300818303126103d05760405191610220830183811067ffffffffffffffff8211176105cb57604052815160068110156103d0578352602082015162ffffff811681036103d057602084015261047860408301610608565b604084015261048960608301610616565b606084015261049a60808301610616565b60808401526104ab60a08301610627565b60a084015260c082015164ffffffffff811681036103d05760c08401526104d460e0830161063c565b60e08401526104e6610100830161063c565b61010084015261012082015161012084015261014082015161014084015261016082015161016084015261051d6101808301610627565b6101808401526105306101a08301610616565b6101a08401526105436101c08301610608565b6101c08401526101e082015180151581036103d0576101e08401528061021f830112156103d05760405191610100830183811067ffffffffffffffff8211176105cb57604052829061030081019283116103d05761020001905b8282106105b3575050506102008201525f61032a565b602080916105c084610616565b81520191019061059d565b634e487b7160e01b5f52604160045260245ffd5b503d610412565b90601f8019910116810190811067ffffffffffffffff8211176105cb57604052565b519060ff821682036103d057565b519063ffffffff821682036103d057565b519067ffffffffffffffff821682036103d057565b519061ffff821682036103d05756fea26469706673582212205730c7a9795f0a32beda5086155414f74ba7c7a5c892f4de2ffe8ae8da1af6c064736f6c63430008250033a264697066735822122082daea6831214c44c9bdf6a48d16a7ec797191a82200bfff692f9f159ffbd06464736f6c63430008250033",
}

// Shaper is an auto generated Go binding around an Ethereum contract.
type Shaper struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Shaper) GetABI() abi.ABI {
	return c.abi
}

// NewShaper creates a new instance of Shaper.
func NewShaper() *Shaper {
	parsed, err := ShaperMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Shaper{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Shaper) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address t, address r) returns()
func (shaper *Shaper) PackConstructor(t common.Address, r common.Address) []byte {
	enc, err := shaper.abi.Pack("", t, r)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (shaper *Shaper) PackOwner() []byte {
	enc, err := shaper.abi.Pack("owner")
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
func (shaper *Shaper) TryPackOwner() ([]byte, error) {
	return shaper.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (shaper *Shaper) UnpackOwner(data []byte) (common.Address, error) {
	out, err := shaper.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackProbe is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6ed4bca.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function probe(uint256 id, bytes spec, uint256 mask) returns()
func (shaper *Shaper) PackProbe(id *big.Int, spec []byte, mask *big.Int) []byte {
	enc, err := shaper.abi.Pack("probe", id, spec, mask)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProbe is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6ed4bca.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function probe(uint256 id, bytes spec, uint256 mask) returns()
func (shaper *Shaper) TryPackProbe(id *big.Int, spec []byte, mask *big.Int) ([]byte, error) {
	return shaper.abi.Pack("probe", id, spec, mask)
}

// PackPuppets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0a46e3e9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function puppets(uint256 ) view returns(address)
func (shaper *Shaper) PackPuppets(arg0 *big.Int) []byte {
	enc, err := shaper.abi.Pack("puppets", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPuppets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0a46e3e9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function puppets(uint256 ) view returns(address)
func (shaper *Shaper) TryPackPuppets(arg0 *big.Int) ([]byte, error) {
	return shaper.abi.Pack("puppets", arg0)
}

// UnpackPuppets is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0a46e3e9.
//
// Solidity: function puppets(uint256 ) view returns(address)
func (shaper *Shaper) UnpackPuppets(data []byte) (common.Address, error) {
	out, err := shaper.abi.Unpack("puppets", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registry() view returns(address)
func (shaper *Shaper) PackRegistry() []byte {
	enc, err := shaper.abi.Pack("registry")
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
func (shaper *Shaper) TryPackRegistry() ([]byte, error) {
	return shaper.abi.Pack("registry")
}

// UnpackRegistry is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (shaper *Shaper) UnpackRegistry(data []byte) (common.Address, error) {
	out, err := shaper.abi.Unpack("registry", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackShape is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3758f5d1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function shape(uint256 id, bytes spec) returns()
func (shaper *Shaper) PackShape(id *big.Int, spec []byte) []byte {
	enc, err := shaper.abi.Pack("shape", id, spec)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackShape is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3758f5d1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function shape(uint256 id, bytes spec) returns()
func (shaper *Shaper) TryPackShape(id *big.Int, spec []byte) ([]byte, error) {
	return shaper.abi.Pack("shape", id, spec)
}

// PackSpawn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1e135366.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function spawn(uint256 count, string gpu, uint32 vram, uint24 version) payable returns()
func (shaper *Shaper) PackSpawn(count *big.Int, gpu string, vram uint32, version *big.Int) []byte {
	enc, err := shaper.abi.Pack("spawn", count, gpu, vram, version)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSpawn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1e135366.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function spawn(uint256 count, string gpu, uint32 vram, uint24 version) payable returns()
func (shaper *Shaper) TryPackSpawn(count *big.Int, gpu string, vram uint32, version *big.Int) ([]byte, error) {
	return shaper.abi.Pack("spawn", count, gpu, vram, version)
}

// PackTasks is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc305a6d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tasks() view returns(address)
func (shaper *Shaper) PackTasks() []byte {
	enc, err := shaper.abi.Pack("tasks")
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
func (shaper *Shaper) TryPackTasks() ([]byte, error) {
	return shaper.abi.Pack("tasks")
}

// UnpackTasks is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc305a6d9.
//
// Solidity: function tasks() view returns(address)
func (shaper *Shaper) UnpackTasks(data []byte) (common.Address, error) {
	out, err := shaper.abi.Unpack("tasks", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// ShaperShaped represents a Shaped event raised by the Shaper contract.
type ShaperShaped struct {
	Id           *big.Int
	Best         uint8
	AllAvailable uint8
	Mask         *big.Int
	ByMask       []uint8
	Raw          *types.Log // Blockchain specific contextual infos
}

const ShaperShapedEventName = "Shaped"

// ContractEventName returns the user-defined event name.
func (ShaperShaped) ContractEventName() string {
	return ShaperShapedEventName
}

// UnpackShapedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Shaped(uint256 indexed id, uint8 best, uint8 allAvailable, uint256 mask, uint8[] byMask)
func (shaper *Shaper) UnpackShapedEvent(log *types.Log) (*ShaperShaped, error) {
	event := "Shaped"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != shaper.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ShaperShaped)
	if len(log.Data) > 0 {
		if err := shaper.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range shaper.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (shaper *Shaper) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], shaper.abi.Errors["Probe"].ID.Bytes()[:4]) {
		return shaper.UnpackProbeError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ShaperProbe represents a Probe error raised by the Shaper contract.
type ShaperProbe struct {
	Seated uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Probe(uint8 seated)
func ShaperProbeErrorID() common.Hash {
	return common.HexToHash("0x6c36132a56d9f4e1e3ae5e71a36660312ada8800e28472d9db42216684f84b6e")
}

// UnpackProbeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Probe(uint8 seated)
func (shaper *Shaper) UnpackProbeError(raw []byte) (*ShaperProbe, error) {
	out := new(ShaperProbe)
	if err := shaper.abi.UnpackIntoInterface(out, "Probe", raw); err != nil {
		return nil, err
	}
	return out, nil
}
