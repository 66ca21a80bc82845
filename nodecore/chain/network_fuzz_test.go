package chain_test

import (
	"encoding/json"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// FuzzParseNetwork: any network file is refused, or parsed into one that
// encodes and parses again to the same network (nothing is accepted
// that its own encoding would not be).
func FuzzParseNetwork(f *testing.F) {
	n := simchain.New(f, 1, nil)
	good, err := json.Marshal(n.Network)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"chainId":"0x539","registry":"0x0000000000000000000000000000000000000001","tasks":"0x0000000000000000000000000000000000000002"}`))
	f.Add([]byte(`{"chainId":"0x0"}`))
	f.Add([]byte(`{"chainId":"0x539","registry":"0x01","tasks":"0x02","rpc":"http://169.254.169.254/","models":[{"id":"base:a/b","url":"file:///etc/passwd"}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		net, err := chain.ParseNetwork(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(net)
		if err != nil {
			t.Fatal(err)
		}
		net2, err := chain.ParseNetwork(again)
		if err != nil {
			t.Fatalf("an accepted network does not parse again: %v\n%s", err, again)
		}
		if b2, _ := json.Marshal(net2); string(b2) != string(again) {
			t.Fatalf("the network changed on a round trip:\n%s\n%s", again, b2)
		}
	})
}
