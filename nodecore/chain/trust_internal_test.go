package chain

import (
	"encoding/json"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// TestKnownNetworkMustMatch: a network file claiming a known network's
// chain id must name exactly its contracts and deployment block; other
// chain ids are left to the checks on chain; a devnet's chain id is never
// a known network's.
func TestKnownNetworkMustMatch(t *testing.T) {
	known := KnownNetwork{
		Name: "Example", ChainID: 8453, DeployBlock: 100,
		Registry:   common.HexToAddress("0x00000000000000000000000000000000000000a1"),
		Tasks:      common.HexToAddress("0x00000000000000000000000000000000000000a2"),
		Randomness: common.HexToAddress("0x00000000000000000000000000000000000000a3"),
	}
	list := []KnownNetwork{known}
	match := func() Network {
		return Network{ChainID: (*hexutil.Big)(big.NewInt(8453)), Registry: known.Registry, Tasks: known.Tasks, Randomness: known.Randomness, DeployBlock: 100, Params: DefaultParams()}
	}
	other := common.HexToAddress("0x00000000000000000000000000000000000000b1")
	for _, c := range []struct {
		name string
		edit func(*Network)
		ok   bool
	}{
		{"exactly the known network", func(*Network) {}, true},
		{"another chain id", func(n *Network) { n.ChainID = (*hexutil.Big)(big.NewInt(10)); n.Registry = other }, true},
		{"a devnet", func(n *Network) { n.ChainID = (*hexutil.Big)(big.NewInt(DevnetChainID)); n.Registry = other }, true},
		{"another registry", func(n *Network) { n.Registry = other }, false},
		{"another task manager", func(n *Network) { n.Tasks = other }, false},
		{"another randomness source", func(n *Network) { n.Randomness = other }, false},
		{"no randomness source", func(n *Network) { n.Randomness = common.Address{} }, false},
		{"another deployment block", func(n *Network) { n.DeployBlock = 99 }, false},
	} {
		n := match()
		c.edit(&n)
		err := checkKnown(&n, list)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrNetworkMismatch)) {
			t.Errorf("%s: ok %v, got %v", c.name, c.ok, err)
		}
	}
	// The same rule runs in ParseNetwork.
	saved := knownNetworks
	knownNetworks = list
	defer func() { knownNetworks = saved }()
	n := match()
	n.Registry = other
	b, _ := json.Marshal(n)
	if _, err := ParseNetwork(b); !errors.Is(err, ErrNetworkMismatch) {
		t.Errorf("ParseNetwork: %v", err)
	}
	b, _ = json.Marshal(match())
	if _, err := ParseNetwork(b); err != nil {
		t.Errorf("ParseNetwork of the known network: %v", err)
	}
	for _, k := range saved {
		if k.ChainID == DevnetChainID {
			t.Errorf("%s uses the devnet's chain id", k.Name)
		}
	}
}
