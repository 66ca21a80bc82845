package chain_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// fileWith is a valid network file for chainID with the endpoints given.
func fileWith(t *testing.T, chainID int64, rpc, relay, faucet string) []byte {
	t.Helper()
	n := chain.Network{
		ChainID:  (*hexutil.Big)(big.NewInt(chainID)),
		Registry: common.HexToAddress("0x1000000000000000000000000000000000000001"),
		Tasks:    common.HexToAddress("0x1000000000000000000000000000000000000002"),
		Params:   chain.DefaultParams(),
		RPC:      rpc, Relay: relay, Faucet: faucet,
	}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFinding3EndpointsValidated: a network file's endpoints may not lead
// the node to the cloud metadata service or another link-local address
// (however it is spelled), speak plain http or ws beyond this machine,
// carry credentials to the relay or the faucet, name a faucet off a
// devnet, or name an IPC socket outside the data directory; and errors
// never repeat a URL's secrets.
func TestFinding3EndpointsValidated(t *testing.T) {
	const dev, public = chain.DevnetChainID, 8453
	for _, c := range []struct {
		name              string
		chainID           int64
		rpc, relay, fauce string
		ok                bool
	}{
		{"devnet on loopback", dev, "ws://127.0.0.1:8546", "http://127.0.0.1:8547", "http://127.0.0.1:8547/v1/faucet", true},
		{"localhost names", dev, "http://localhost:8545", "http://relay.localhost", "", true},
		{"IPv6 loopback", dev, "ws://[::1]:8546", "http://[::1]:8547", "", true},
		{"public over TLS", public, "https://rpc.example.org/v3/SECRETKEY", "https://relay.example.org", "", true},
		{"wss with credentials", public, "wss://user:SECRETPASS@rpc.example.org", "https://relay.example.org/base", "", true},
		{"a private LAN host over TLS", public, "https://10.0.0.5:8545", "https://192.168.1.9", "", true},
		{"absolute IPC path", public, "/var/lib/hydrogen/geth.ipc", "https://relay.example.org", "", true},
		{"no endpoints", public, "", "", "", true},
		{"a devnet served to the LAN", dev, "ws://192.168.1.5:8546", "http://192.168.1.5:8547", "http://192.168.1.5:8547/v1/faucet", true},
		{"plain http to the LAN off a devnet", public, "", "http://192.168.1.5:8547", "", false},
		{"a devnet's plain http to a public host", dev, "ws://203.0.113.7:8546", "", "", false},

		{"metadata relay", public, "", "http://169.254.169.254/latest/meta-data", "", false},
		{"metadata relay over TLS", public, "", "https://169.254.169.254", "", false},
		{"metadata RPC", public, "https://169.254.169.254", "", "", false},
		{"link-local IPv6 relay", public, "", "https://[fe80::1%25eth0]:8547", "", false},
		{"IPv4-mapped metadata", public, "", "https://[::ffff:169.254.169.254]", "", false},
		{"NAT64 metadata", public, "", "https://[64:ff9b::a9fe:a9fe]", "", false},
		{"AWS IPv6 metadata", public, "", "https://[fd00:ec2::254]", "", false},
		{"Alibaba metadata", public, "", "https://100.100.100.200", "", false},
		{"metadata by name", public, "https://metadata.google.internal/computeMetadata", "", "", false},
		{"metadata as a decimal number", public, "", "https://2852039166", "", false},
		{"metadata as hex", public, "", "https://0xa9fea9fe", "", false},
		{"metadata as a short dotted number", public, "", "https://169.254.43518", "", false},
		{"metadata with a trailing dot", public, "", "https://169.254.169.254.", "", false},
		{"unspecified address", public, "", "https://0.0.0.0:8547", "", false},
		{"multicast", public, "", "https://224.0.0.1", "", false},
		{"plain http to the LAN", public, "", "http://192.168.1.9:8547", "", false},
		{"plain http to a name", public, "", "http://relay.example.org", "", false},
		{"plain ws RPC to a name", public, "ws://rpc.example.org", "", "", false},
		{"plain http RPC to the LAN", public, "http://10.0.0.5:8545", "", "", false},
		{"credentials for the relay", public, "", "https://user:SECRETPASS@relay.example.org", "", false},
		{"relay with a query", public, "", "https://relay.example.org/?token=SECRETKEY", "", false},
		{"file scheme relay", public, "", "file:///etc/passwd", "", false},
		{"unix scheme RPC", public, "unix:///var/run/docker.sock", "", "", false},
		{"stdio RPC", public, "stdio://", "", "", false},
		{"relative IPC path", public, "geth.ipc", "", "", false},
		{"no host", public, "", "https:///v1", "", false},
		{"bad port", public, "", "https://relay.example.org:99999", "", false},
		{"odd host characters", public, "", "https://relay_example.org", "", false},
		{"faucet off a devnet", public, "", "https://relay.example.org", "https://faucet.example.org", false},
		{"faucet to the metadata service", dev, "", "http://127.0.0.1:8547", "http://169.254.169.254", false},
		{"faucet with credentials", dev, "", "http://127.0.0.1:8547", "http://u:SECRETPASS@127.0.0.1/f", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := chain.ParseNetwork(fileWith(t, c.chainID, c.rpc, c.relay, c.fauce))
			if c.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if n.RPC != c.rpc || n.Relay != c.relay || n.Faucet != c.fauce {
					t.Fatalf("endpoints changed: %+v", n)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, chain.ErrBadEndpoint) {
				t.Fatalf("refused without ErrBadEndpoint: %v", err)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("the error repeats a secret: %v", err)
			}
		})
	}
}

// TestIPCOnlyInTheDataDirectory: a network file's IPC endpoint must be a
// socket of the data directory.
func TestIPCOnlyInTheDataDirectory(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		rpc string
		ok  bool
	}{
		{filepath.Join(data, "geth.ipc"), true},
		{filepath.Join(data, "chain", "geth.ipc"), true},
		{"wss://rpc.example.org", true}, // not IPC
		{"/var/run/docker.sock", false},
		{filepath.Join(data, "..", "docker.sock"), false},
		{data, false},
		{filepath.Dir(data), false},
	} {
		b := fileWith(t, 8453, c.rpc, "", "")
		n, err := chain.ParseNetwork(b)
		if err != nil {
			t.Fatalf("%s: %v", c.rpc, err)
		}
		err = n.CheckIPC(data)
		if c.ok != (err == nil) {
			t.Errorf("%s: ok %v, got %v", c.rpc, c.ok, err)
		}
		if err != nil && !errors.Is(err, chain.ErrBadEndpoint) {
			t.Errorf("%s: %v is no ErrBadEndpoint", c.rpc, err)
		}
	}
	// Relative to the working directory, the data directory is the same.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := chain.ParseNetwork(fileWith(t, 8453, filepath.Join(wd, "d", "geth.ipc"), "", ""))
	if err := n.CheckIPC("d"); err != nil {
		t.Errorf("a relative data directory: %v", err)
	}
}

// attackerInit deploys a contract that answers every call, value or not,
// with 1 KiB of zeros: to a node it looks like a registry where the node
// is out of the network and owes nothing, so an unchecked node joins it
// and the stake is the attacker's.
var attackerInit = common.FromHex("0x65" + "6104006000f3" + "600052" + "6006601af3")

// TestVerifyContracts: the deployment's contracts pass; anything else at
// the file's addresses, or contracts not bound to each other, is refused
// with ErrContractCode.
func TestVerifyContracts(t *testing.T) {
	ctx := context.Background()
	a := simchain.New(t, 1, nil)
	verify := func(n *chain.Network) error {
		return chain.NewClient(a.Backend, n, nil).VerifyContracts(ctx)
	}
	if err := verify(a.Network); err != nil {
		t.Fatalf("the deployment itself: %v", err)
	}
	// A second deployment, by another deployer, has other immutables: it
	// passes as well.
	b, err := chain.Deploy(ctx, a.Accounts[0].Tx, chain.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(b); err != nil {
		t.Fatalf("a second deployment: %v", err)
	}
	rcpt, err := a.Accounts[0].Tx.Send(ctx, nil, attackerInit, nil)
	if err != nil {
		t.Fatal(err)
	}
	attacker := rcpt.ContractAddress
	with := func(f func(n *chain.Network)) *chain.Network {
		n := *a.Network
		f(&n)
		return &n
	}
	for name, n := range map[string]*chain.Network{
		"attacker registry":          with(func(n *chain.Network) { n.Registry = attacker }),
		"attacker task manager":      with(func(n *chain.Network) { n.Tasks = attacker }),
		"attacker randomness":        with(func(n *chain.Network) { n.Randomness = attacker }),
		"registry is an account":     with(func(n *chain.Network) { n.Registry = a.Accounts[0].Addr }),
		"registry is a task manager": with(func(n *chain.Network) { n.Registry = a.Network.Tasks }),
		"another deployment's tasks": with(func(n *chain.Network) { n.Tasks = b.Tasks }),
		"another deployment's randomness": with(func(n *chain.Network) {
			n.Randomness = b.Randomness
		}),
	} {
		if err := verify(n); !errors.Is(err, chain.ErrContractCode) {
			t.Errorf("%s: want ErrContractCode, got %v", name, err)
		}
	}
	// A network file without the randomness source's address takes the
	// one the contracts are bound to, and checks its code.
	if err := verify(with(func(n *chain.Network) { n.Randomness = common.Address{} })); err != nil {
		t.Errorf("no randomness address: %v", err)
	}
	// The pinned hashes are what the deployment runs, immutables aside.
	code, err := a.Backend.CodeAt(ctx, a.Network.Registry, nil)
	if err != nil || !chain.CodeMatches(code, chain.ReleaseCode.Registry) {
		t.Fatalf("registry code: %v", err)
	}
	code[len(code)/2] ^= 1
	if chain.CodeMatches(code, chain.ReleaseCode.Registry) {
		t.Fatal("a changed byte still matches")
	}
}

// FuzzEndpoints: whatever a network file's endpoints say, an accepted one
// is https (wss for the RPC), or plain only to loopback, or (the RPC) an
// absolute path; its host is never an address no endpoint may reach; the
// relay and the faucet carry no credentials, and only a devnet's faucet.
func FuzzEndpoints(f *testing.F) {
	for _, s := range [][4]string{
		{"1337", "ws://127.0.0.1:8546", "http://127.0.0.1:8547", "http://127.0.0.1:8547/v1/faucet"},
		{"8453", "https://rpc.example.org/v3/key", "https://relay.example.org", ""},
		{"8453", "/var/lib/hydrogen/geth.ipc", "https://169.254.169.254", "https://faucet.example.org"},
		{"1", "wss://u:p@[fe80::1%25eth0]:1", "http://[::ffff:a9fe:a9fe]", ""},
		{"1337", "http://0xa9fea9fe", "https://2852039166", "http://localhost/f"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, chainID, rpc, relay, faucet string) {
		id, ok := new(big.Int).SetString(chainID, 10)
		if !ok || id.Sign() <= 0 || id.BitLen() > 64 {
			return
		}
		n := chain.Network{
			ChainID: (*hexutil.Big)(id), Registry: common.HexToAddress("0x01"), Tasks: common.HexToAddress("0x02"),
			Params: chain.DefaultParams(), RPC: rpc, Relay: relay, Faucet: faucet,
		}
		b, err := json.Marshal(n)
		if err != nil {
			return
		}
		got, err := chain.ParseNetwork(b)
		if err != nil {
			return
		}
		check := func(field, raw string, schemes ...string) {
			if raw == "" {
				return
			}
			u, err := url.Parse(raw)
			if err != nil || !slices.Contains(schemes, u.Scheme) {
				t.Fatalf("%s %q accepted", field, raw)
			}
			host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
			if a, err := netip.ParseAddr(host); err == nil && chain.Unreachable(a) {
				t.Fatalf("%s %q leads to %s", field, raw, a)
			}
			loop := host == "localhost" || strings.HasSuffix(host, ".localhost")
			if a, err := netip.ParseAddr(host); err == nil {
				loop = a.Unmap().IsLoopback()
			}
			if (u.Scheme == "http" || u.Scheme == "ws") && !loop {
				t.Fatalf("%s %q: plain beyond loopback", field, raw)
			}
			if field != "rpc" && u.User != nil {
				t.Fatalf("%s %q carries credentials", field, raw)
			}
		}
		if got.IPC() {
			if !filepath.IsAbs(got.RPC) {
				t.Fatalf("rpc %q: a relative IPC path accepted", got.RPC)
			}
		} else {
			check("rpc", got.RPC, "https", "wss", "http", "ws")
		}
		check("relay", got.Relay, "https", "http")
		check("faucet", got.Faucet, "https", "http")
		if got.Faucet != "" && !chain.IsDevnet(id) {
			t.Fatalf("a faucet on chain %s", id)
		}
	})
}
