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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"t\",\"type\":\"address\"},{\"internalType\":\"contractNodeRegistry\",\"name\":\"r\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"seated\",\"type\":\"uint8\"}],\"name\":\"Probe\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address[3]\",\"name\":\"seats\",\"type\":\"address[3]\"}],\"name\":\"Trial\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"best\",\"type\":\"uint8\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"allAvailable\",\"type\":\"uint8\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"mask\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8[]\",\"name\":\"byMask\",\"type\":\"uint8[]\"}],\"name\":\"Shaped\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"spec\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"mask\",\"type\":\"uint256\"}],\"name\":\"probe\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"puppets\",\"outputs\":[{\"internalType\":\"contractPuppet\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractNodeRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"spec\",\"type\":\"bytes\"}],\"name\":\"shape\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"gpu\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"vram\",\"type\":\"uint32\"},{\"internalType\":\"uint24\",\"name\":\"version\",\"type\":\"uint24\"}],\"name\":\"spawn\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"tasks\",\"outputs\":[{\"internalType\":\"contractTaskManager\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"spec\",\"type\":\"bytes\"}],\"name\":\"trial\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Shaper",
	Bin: "0x60e0346100bc57601f6119ad38819003918201601f19168301916001600160401b038311848410176100c05780849260409485528339810103126100bc578051906001600160a01b03821682036100bc5760200151906001600160a01b03821682036100bc5760805260a0523360c0526040516118d890816100d582396080518181816105030152818161078d0152611046015260a05181818161020a015261069a015260c0518181816101d60152818161034b01526106de0152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe60806040526004361015610011575f80fd5b5f3560e01c80630a46e3e9146100945780631e1353661461008f5780633758f5d11461008a5780635b83db87146100855780637b103999146100805780638da5cb5b1461007b578063b6ed4bca146100765763c305a6d914610071575f80fd5b610778565b61070d565b6106c9565b610685565b6104ee565b610337565b61018a565b346100ec5760203660031901126100ec576004355f548110156100ec575f80527f290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e56301546040516001600160a01b039091168152602090f35b5f80fd5b634e487b7160e01b5f52603260045260245ffd5b5f5481101561011a575f805260205f2001905f90565b6100f0565b9181601f840112156100ec5782359167ffffffffffffffff83116100ec57602083818601950101116100ec57565b63ffffffff8116036100ec57565b35906101668261014d565b565b6064359062ffffff821682036100ec57565b359062ffffff821682036100ec57565b60803660031901126100ec5760043560243567ffffffffffffffff81116100ec576101b990369060040161011f565b60443592916101c78461014d565b6101cf610168565b93610204337f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316146107bc565b611178937f000000000000000000000000000000000000000000000000000000000000000061072b5f5b83811061023757005b60405182810181811067ffffffffffffffff8211176102fe5761026d858392868d85396001600160a01b03909116815260200190565b03905ff09081156102f9576001600160a01b0382169161028d86346107e2565b92803b156100ec57875f918b8e968c6102bc604051998a9687958694631d417b9760e11b86526004860161085e565b03925af19081156102f9576001936102d9926102df575b5061088c565b0161022e565b806102ed5f6102f39361081c565b8061067b565b5f6102d3565b6107d7565b6107c3565b9060406003198301126100ec57600435916024359067ffffffffffffffff82116100ec576103339160040161011f565b9091565b346100ec5761034536610303565b610379337f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316146107bc565b60015f541b5f915f935f9161038d84610928565b935f5b8181106103e857887f3689da6e3fc348f1f80decbc73dd3d2df9b908146c349da9e4bb2fb69c5837fc89896103e38a8a6103d6816103d08c8e018e610a84565b89610fa6565b5060405194859485610b23565b0390a2005b5f303b156100ec57835f868c610413866040519586948594635b76a5e560e11b86526004860161095a565b038183305af190816104da575b506104d5575061042e61097d565b8051602481148015906104b2575b6104ac575061045e610450610464926109f9565b516001600160f81b03191690565b60f81c90565b61047a81610472848a610a09565b9060ff169052565b81156104a4575b60ff881660ff821611610498575b50600101610390565b9650935083600161048f565b975087610481565b60208201fd5b5063361b099560e11b6001600160e01b03196104cd846109bc565b16141561043c565b610464565b806102ed5f6104e89361081c565b5f610420565b346100ec576105376104ff36610303565b91927f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031692909190810190610a84565b91813b156100ec575f61055f9360405180958192630bfb56e760e41b83528560048401610b77565b038183865af19182156102f95761059a9361052093610667575b506040518080958194630eb2f3bf60e11b8352600483019190602083019252565b03915afa80156102f957610634915f91610638575b5061061b61060b6105e76102e06105c66060610902565b94018051516001600160a01b031685526106046105f46105e7835160200190565b516001600160a01b031690565b6001600160a01b03166020870152565b5160400190565b6001600160a01b03166040830152565b604051633a69c02760e11b815291829160048301610f4a565b0390fd5b61065a91506105203d8111610660575b610652818361081c565b810190610d70565b5f6105af565b503d610648565b806102ed5f6106759361081c565b5f610579565b5f9103126100ec57565b346100ec575f3660031901126100ec576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b346100ec575f3660031901126100ec576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b346100ec5760603660031901126100ec5760043560243567ffffffffffffffff81116100ec5761074190369060040161011f565b91604435903033036100ec5761075f8360ff95610765950190610a84565b90610fa6565b63361b099560e11b5f521660045260245ffd5b346100ec575f3660031901126100ec576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b156100ec57565b634e487b7160e01b5f52604160045260245ffd5b6040513d5f823e3d90fd5b81156107ec570490565b634e487b7160e01b5f52601260045260245ffd5b60c0810190811067ffffffffffffffff8211176102fe57604052565b90601f8019910116810190811067ffffffffffffffff8211176102fe57604052565b908060209392818452848401375f828201840152601f01601f1916010190565b92949363ffffffff61087f62ffffff9360409560608852606088019161083e565b9616602085015216910152565b5f54680100000000000000008110156102fe57600181015f555f5481101561011a575f80527f290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e5630180546001600160a01b0319166001600160a01b03909216919091179055565b604051906101666103208361081c565b90610166604051928361081c565b67ffffffffffffffff81116102fe5760051b60200190565b9061093282610910565b61093f604051918261081c565b8281528092610950601f1991610910565b0190602036910137565b9493929160409261097892875260606020880152606087019161083e565b930152565b3d156109b7573d9067ffffffffffffffff82116102fe57604051916109ac601f8201601f19166020018461081c565b82523d5f602084013e565b606090565b80516020909101516001600160e01b03198116929190600482106109de575050565b6001600160e01b031960049290920360031b82901b16169150565b80516023101561011a5760430190565b805182101561011a5760209160051b010190565b600211156100ec57565b9080601f830112156100ec578135610a3e81610910565b92610a4c604051948561081c565b81845260208085019260051b8201019283116100ec57602001905b828210610a745750505090565b8135815260209182019101610a67565b6020818303126100ec5780359067ffffffffffffffff82116100ec570160c0818303126100ec5760405191610ab883610800565b8135610ac381610a1d565b83526020820135602084015260408201359167ffffffffffffffff83116100ec57610af560a092610b1b948301610a27565b6040850152610b066060820161015b565b6060850152608081013560808501520161017a565b60a082015290565b60a0919360ff60209481608085019716845216848301526040820152608060608201528451809452019201905f5b818110610b5e5750505090565b825160ff16845260209384019390920191600101610b51565b9081526040602082015261010081019180516002811015610c175760408301526020810151606083015260408101519260c060808401528351809152602061012084019401905f5b818110610c01575050509060e060a083610be86060610bfe9601518386019063ffffffff169052565b608081015160c0850152015162ffffff16910152565b90565b8251865260209586019590920191600101610bbf565b634e487b7160e01b5f52602160045260245ffd5b51906001600160a01b03821682036100ec57565b51906bffffffffffffffffffffffff821682036100ec57565b519064ffffffffff821682036100ec57565b51906101668261014d565b519060098210156100ec57565b519061016682610a1d565b519060068210156100ec57565b519060ff821682036100ec57565b519061ffff821682036100ec57565b519068ffffffffffffffffff821682036100ec57565b519081151582036100ec57565b9080601f830112156100ec5761012060405192610cf7828561081c565b839181019283116100ec57905b828210610d115750505090565b60208091610d1e84610c2b565b815201910190610d04565b9080601f830112156100ec5761012060405192610d46828561081c565b839181019283116100ec57905b828210610d605750505090565b8151815260209182019101610d53565b90610520828203126100ec57610f3090610400610d8b6108f2565b93610d9581610c2b565b8552610da360208201610c3f565b6020860152604081015160408601526060810151606086015260808101516080860152610dd260a08201610c58565b60a0860152610de360c08201610c58565b60c0860152610df460e08201610c58565b60e0860152610e066101008201610c6a565b610100860152610e196101208201610c75565b610120860152610e2c6101408201610c82565b610140860152610e3f6101608201610c8d565b610160860152610e526101808201610c9a565b610180860152610e656101a08201610ca8565b6101a0860152610e786101c08201610ca8565b6101c0860152610e8b6101e08201610ca8565b6101e0860152610e9e6102008201610ca8565b610200860152610eb16102208201610ca8565b610220860152610ec46102408201610cb7565b610240860152610ed76102608201610ccd565b610260860152610eea6102808201610c9a565b610280860152610efd6102a08201610c58565b6102a0860152610f106102c08201610c58565b6102c0860152610f24836102e08301610cda565b6102e086015201610d29565b61030082015290565b90600981101561011a5760051b0190565b919060608301925f905b60038210610f6157505050565b82516001600160a01b031681526020928301926001929092019101610f54565b60ff1660ff8114610f925760010190565b634e487b7160e01b5f52601160045260245ffd5b91925f915f5b5f5481101561103f57610fe5610fd9610fc483610104565b905460039190911b1c6001600160a01b031690565b6001600160a01b031690565b90813b156100ec576040516305b0e2cf60e21b81526001821b881615156004820152915f908390602490829084905af19182156102f95760019261102b575b5001610fac565b806102ed5f6110399361081c565b5f611024565b50919350917f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690813b156100ec575f6110969360405180958192630bfb56e760e41b83528560048401610b77565b038183865af19182156102f9576110d0936105209361066757506040518080958194630eb2f3bf60e11b8352600483019190602083019252565b03915afa9081156102f9575f91611158575b505f5f54905b600381106110f557505050565b6111076105e7826102e0860151610f39565b6001600160a01b03165f5b8381106111235750506001016110e8565b611135610fd9610fd9610fc484610104565b8214611144575b600101611112565b95611150600191610f81565b96905061113c565b61117191506105203d811161066057610652818361081c565b5f6110e256fe60c03461009157601f61072b38819003918201601f19168301916001600160401b038311848410176100955780849260209460405283398101031261009157516001600160a01b0381168103610091576080523360a05260405161068190816100aa823960805181818160a70152818161017a01526102e9015260a051818181605f0152818161014601526102a90152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe6080806040526004361015610012575f80fd5b5f905f3560e01c90816316c38b3c14610286575080633a82f72e146100d65780637b1039991461009157638da5cb5b1461004a575f80fd5b3461008e578060031936011261008e576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b80fd5b503461008e578060031936011261008e576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b50606036600319011261008e576004359067ffffffffffffffff821161008e573660238301121561008e5781600401359167ffffffffffffffff83116102825736602484830101116102825760243563ffffffff811680910361027e576044359062ffffff821680920361027a577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361027a57604051947f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316926020916101b083896105e6565b8688525f368137843b156102765782979392918160c49260246040519963279b449760e21b8b52608060048c01528260848c01520160a48a01378860a4828a010152601f801991011687019060a48201946024890152604488015260031960a488830301016064880152845180945201920195855b82811061026257868087818180890381348c5af18015610257576102465750f35b81610250916105e6565b61008e5780f35b6040513d84823e3d90fd5b875184529681019692810192600101610225565b8680fd5b8380fd5b8280fd5b5080fd5b9050346103d05760203660031901126103d057600435908115801583036103d0577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031633036103d0576313a4120960e31b82523060048301527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169161030081602481865afa9081156103c5575f91610405575b50516006811015806103e5578594806103f9575b1561037757505050803b1561037457818091600460405180948193638456cb5960e01b83525af180156102575761024657505080f35b50fd5b9293509091826103d4575b505061038d575b5080f35b803b156103d0575f8091600460405180948193630237bed160e11b83525af180156103c55715610389576103c391505f906105e6565b005b6040513d5f823e3d90fd5b5f80fd5b9091506103e5576005145f80610382565b634e487b7160e01b5f52602160045260245ffd5b50505f6001821461033e565b90506103003d81116105df575b61041c81836105e6565b810190610300818303126103d05760405191610220830183811067ffffffffffffffff8211176105cb57604052815160068110156103d0578352602082015162ffffff811681036103d057602084015261047860408301610608565b604084015261048960608301610616565b606084015261049a60808301610616565b60808401526104ab60a08301610627565b60a084015260c082015164ffffffffff811681036103d05760c08401526104d460e0830161063c565b60e08401526104e6610100830161063c565b61010084015261012082015161012084015261014082015161014084015261016082015161016084015261051d6101808301610627565b6101808401526105306101a08301610616565b6101a08401526105436101c08301610608565b6101c08401526101e082015180151581036103d0576101e08401528061021f830112156103d05760405191610100830183811067ffffffffffffffff8211176105cb57604052829061030081019283116103d05761020001905b8282106105b3575050506102008201525f61032a565b602080916105c084610616565b81520191019061059d565b634e487b7160e01b5f52604160045260245ffd5b503d610412565b90601f8019910116810190811067ffffffffffffffff8211176105cb57604052565b519060ff821682036103d057565b519063ffffffff821682036103d057565b519067ffffffffffffffff821682036103d057565b519061ffff821682036103d05756fea2646970667358221220620caad721afcb77db83a869bb04dc6235b70f725709fe972f0463c9f3ae059964736f6c63430008250033a2646970667358221220356f2d8423e7b7c525cf4dac8ef146a42c1712ce4e9e46b7cdefa5acf59221da64736f6c63430008250033",
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

// PackTrial is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b83db87.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function trial(uint256 id, bytes spec) returns()
func (shaper *Shaper) PackTrial(id *big.Int, spec []byte) []byte {
	enc, err := shaper.abi.Pack("trial", id, spec)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTrial is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b83db87.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function trial(uint256 id, bytes spec) returns()
func (shaper *Shaper) TryPackTrial(id *big.Int, spec []byte) ([]byte, error) {
	return shaper.abi.Pack("trial", id, spec)
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
	if bytes.Equal(raw[:4], shaper.abi.Errors["Trial"].ID.Bytes()[:4]) {
		return shaper.UnpackTrialError(raw[4:])
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

// ShaperTrial represents a Trial error raised by the Shaper contract.
type ShaperTrial struct {
	Seats [3]common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Trial(address[3] seats)
func ShaperTrialErrorID() common.Hash {
	return common.HexToHash("0x74d3804e62b5886a4e5cc9413de14b7891c85c6983dfb605b96789484ea1445c")
}

// UnpackTrialError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Trial(address[3] seats)
func (shaper *Shaper) UnpackTrialError(raw []byte) (*ShaperTrial, error) {
	out := new(ShaperTrial)
	if err := shaper.abi.UnpackIntoInterface(out, "Trial", raw); err != nil {
		return nil, err
	}
	return out, nil
}
