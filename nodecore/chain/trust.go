package chain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/redact"
)

// How a node trusts a network file (docs/architecture.md, "Trusting a
// network file"): the file only says where to look. Its chain id must
// match a known network's contracts exactly, if it claims one; its
// endpoints must pass CheckEndpoints; and before anything is staked the
// node checks that the contracts at its addresses run this release's code
// (Client.VerifyContracts) and reads the parameters — the stake among
// them — from those contracts, never from the file.

// DevnetChainID is the chain id of a local devnet: `hydrogend devnet`,
// go-ethereum's simulated chain and `geth --dev`.
const DevnetChainID = 1337

// IsDevnet reports whether chainID is a local devnet's: only a devnet's
// network file may name a faucet.
func IsDevnet(chainID *big.Int) bool {
	return chainID != nil && chainID.IsInt64() && chainID.Int64() == DevnetChainID
}

// ContractCode is the deployed code a network's three contracts must run.
type ContractCode struct {
	Registry, Tasks, Randomness bindings.RuntimeCode
}

// ReleaseCode is the code of the contracts this release compiles
// (nodecore/chain/bindings/runtime.go, generated with the bindings).
var ReleaseCode = ContractCode{
	Registry:   bindings.NodeRegistryRuntime,
	Tasks:      bindings.TaskManagerRuntime,
	Randomness: bindings.BlockRandomnessRuntime,
}

// KnownNetwork is a public deployment this release knows. A network file
// that claims its chain id must name exactly its contracts and deployment
// block, whatever else it says.
type KnownNetwork struct {
	Name                        string
	ChainID                     uint64
	Registry, Tasks, Randomness common.Address
	DeployBlock                 uint64
	// Code is what its contracts run; nil: this release's (ReleaseCode).
	Code *ContractCode
}

// knownNetworks are the public networks. There is none yet: a network
// file for another chain id is trusted only as far as the checks of its
// contracts on chain go. A devnet's chain id (DevnetChainID) is never one
// of them.
var knownNetworks = []KnownNetwork{}

// KnownNetworks returns the public networks this release knows.
func KnownNetworks() []KnownNetwork { return slices.Clone(knownNetworks) }

// knownFor returns the known network of chainID, if any.
func knownFor(list []KnownNetwork, chainID *big.Int) (KnownNetwork, bool) {
	for _, k := range list {
		if chainID != nil && chainID.IsUint64() && chainID.Uint64() == k.ChainID {
			return k, true
		}
	}
	return KnownNetwork{}, false
}

// ErrNetworkMismatch is a network file that claims a known network's
// chain id with other contracts.
var ErrNetworkMismatch = errors.New("chain: the network file claims a known network's chain id with other contracts")

// checkKnown refuses a file claiming the chain id of a network in list
// with anything but its contracts and deployment block.
func checkKnown(n *Network, list []KnownNetwork) error {
	k, ok := knownFor(list, n.ChainID.ToInt())
	if !ok {
		return nil
	}
	if n.Registry != k.Registry || n.Tasks != k.Tasks || n.Randomness != k.Randomness || n.DeployBlock != k.DeployBlock {
		return fmt.Errorf("%w: chain %d is %s, whose registry is %s, task manager %s, randomness %s (block %d)",
			ErrNetworkMismatch, k.ChainID, k.Name, k.Registry, k.Tasks, k.Randomness, k.DeployBlock)
	}
	return nil
}

// ErrBadEndpoint is a network file's endpoint a node refuses to use.
var ErrBadEndpoint = errors.New("chain: the network file names an endpoint this node refuses")

// CheckEndpoints checks where the network file's endpoints lead: the RPC
// is an https or wss URL, or http or ws to this machine (loopback), or an
// absolute IPC path (which CheckIPC confines further); the relay and the
// faucet are https, or http to this machine, without credentials in the
// URL; none leads to a link-local or cloud metadata address (169.254/16,
// fe80::/10, …) or an address spelled as a number; and only a devnet's
// file names a faucet. Errors wrap ErrBadEndpoint and never repeat a URL's
// path, query or credentials.
func (n *Network) CheckEndpoints() error {
	// A local devnet may be served to the LAN in plain http (its own
	// chain id; no public network has it).
	devnet := n.ChainID != nil && IsDevnet(n.ChainID.ToInt())
	if n.RPC != "" {
		if n.IPC() {
			if !filepath.IsAbs(n.RPC) || strings.ContainsFunc(n.RPC, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return fmt.Errorf("%w: rpc: an IPC endpoint must be an absolute path", ErrBadEndpoint)
			}
		} else if err := checkURLOn("rpc", n.RPC, true, devnet, "https", "wss", "http", "ws"); err != nil {
			return err
		}
	}
	if n.Relay != "" {
		if err := checkURLOn("relay", n.Relay, false, devnet, "https", "http"); err != nil {
			return err
		}
		if u, _ := url.Parse(n.Relay); u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%w: relay %s: a base URL has no query or fragment", ErrBadEndpoint, redact.URL(n.Relay))
		}
	}
	if n.Faucet != "" {
		if !IsDevnet(n.ChainID.ToInt()) {
			return fmt.Errorf("%w: faucet: only a local devnet (chain id %d) has a faucet, not chain %s", ErrBadEndpoint, DevnetChainID, n.ChainID.ToInt())
		}
		if err := checkURLOn("faucet", n.Faucet, false, devnet, "https", "http"); err != nil {
			return err
		}
	}
	return nil
}

// IPC reports whether the RPC endpoint is an IPC path (a unix socket or a
// named pipe) rather than a URL.
func (n *Network) IPC() bool { return n.RPC != "" && !strings.Contains(n.RPC, "://") }

// CheckIPC refuses an IPC endpoint outside dir (the data directory): a
// network file may make the daemon speak JSON-RPC to a socket of its own
// data directory, never to another of the machine's sockets (Docker's,
// say). A file received through the local API may name none (the first
// run refuses it); an owner who means another socket names it with -rpc.
func (n *Network) CheckIPC(dir string) error {
	if !n.IPC() {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(abs, filepath.Clean(n.RPC))
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("%w: rpc: the IPC endpoint %s is outside the data directory %s (name another socket with -rpc)", ErrBadEndpoint, n.RPC, abs)
	}
	return nil
}

// checkURLOn checks one endpoint URL: its scheme one of schemes, a host
// name or address a node may reach, plain http and ws only to loopback
// (and with lan, a private address too: a devnet served to the LAN with
// hydrogend devnet -host), credentials only where creds allows them.
func checkURLOn(field, raw string, creds, lan bool, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %s: not a URL", ErrBadEndpoint, field)
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("%w: %s: the scheme must be %s, not %q", ErrBadEndpoint, field, strings.Join(schemes, ", "), u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("%w: %s: the URL names no host", ErrBadEndpoint, field)
	}
	if u.User != nil && !creds {
		return fmt.Errorf("%w: %s: credentials in the URL", ErrBadEndpoint, field)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if err := checkHost(host); err != nil {
		return fmt.Errorf("%w: %s %s: %v", ErrBadEndpoint, field, redact.URL(raw), err)
	}
	if p := u.Port(); p != "" {
		if port, err := strconv.Atoi(p); err != nil || port < 1 || port > 65535 || strconv.Itoa(port) != p {
			return fmt.Errorf("%w: %s %s: not a port", ErrBadEndpoint, field, redact.URL(raw))
		}
	}
	if (u.Scheme == "http" || u.Scheme == "ws") && !isLoopback(host) && !(lan && isPrivate(host)) {
		return fmt.Errorf("%w: %s %s: plain %s only to this machine (loopback); use %ss", ErrBadEndpoint, field, redact.URL(raw), u.Scheme, u.Scheme)
	}
	return nil
}

// metadataNames are the cloud metadata services' host names.
var metadataNames = []string{"metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}

// checkHost refuses an address no endpoint may reach, a host name spelled
// as a number (which some resolvers read as an IPv4 address: 2852039166,
// 0xa9fea9fe, 169.254.43518) and the metadata services' names.
func checkHost(host string) error {
	if a, err := netip.ParseAddr(host); err == nil {
		if Unreachable(a) {
			return errors.New("a link-local, multicast, unspecified or cloud metadata address")
		}
		return nil
	}
	if host == "" || len(host) > 253 {
		return errors.New("not a host name")
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.ContainsFunc(l, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
		}) {
			return errors.New("not a host name")
		}
	}
	if last := labels[len(labels)-1]; last[0] < 'a' || last[0] > 'z' {
		return errors.New("a host name must end in a name, not a number")
	}
	if slices.Contains(metadataNames, host) {
		return errors.New("a cloud metadata service")
	}
	return nil
}

// metadataAddrs are cloud metadata services outside the link-local ranges.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),   // AWS, IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
}

var (
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	nat64       = netip.MustParsePrefix("64:ff9b::/96")
)

// Unreachable reports whether a is an address no endpoint of a network
// file may lead to: unspecified, "this network" (0/8), link-local (the
// cloud metadata service at 169.254.169.254 among them), multicast, a
// known metadata address, or one of those behind NAT64.
func Unreachable(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if nat64.Contains(a) {
		b := a.As16()
		return Unreachable(netip.AddrFrom4([4]byte(b[12:])))
	}
	return !a.IsValid() || a.IsUnspecified() || thisNetwork.Contains(a) || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || slices.Contains(metadataAddrs, a)
}

// isLoopback reports whether host is this machine.
func isLoopback(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().IsLoopback()
	}
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// ErrContractCode is a contract address of the network file that holds
// other code than this release's Hydrogen contract, or contracts not bound
// to each other.
var ErrContractCode = errors.New("chain: the network's contracts are not the Hydrogen contracts")

// VerifyContracts checks, before a node trusts anything the contracts say,
// that the registry, the task manager and the randomness source at the
// network file's addresses run the expected code (this release's, or a
// known network's): the keccak256 of the code on chain, its immutables
// zeroed, must equal the pinned hash. Verified, their getters tell the
// truth, and they must be bound to each other and to the file's addresses.
// A mismatch wraps ErrContractCode; an RPC failure does not.
func (c *Client) VerifyContracts(ctx context.Context) error {
	want := ReleaseCode
	if k, ok := knownFor(knownNetworks, c.net.ChainID.ToInt()); ok && k.Code != nil {
		want = *k.Code
	}
	if err := c.checkCode(ctx, "registry", c.net.Registry, want.Registry); err != nil {
		return err
	}
	if err := c.checkCode(ctx, "task manager", c.net.Tasks, want.Tasks); err != nil {
		return err
	}
	opts := &bind.CallOpts{Context: ctx}
	tm, err1 := bind.Call(c.regC, opts, c.reg.PackTaskManager(), c.reg.UnpackTaskManager)
	rnd, err2 := bind.Call(c.regC, opts, c.reg.PackRandom(), c.reg.UnpackRandom)
	reg, err3 := bind.Call(c.tmC, opts, c.tm.PackRegistry(), c.tm.UnpackRegistry)
	tmRnd, err4 := bind.Call(c.tmC, opts, c.tm.PackRandom(), c.tm.UnpackRandom)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return fmt.Errorf("chain: reading how the contracts are bound: %w", err)
	}
	switch {
	case tm != c.net.Tasks:
		return fmt.Errorf("%w: the registry %s serves the task manager %s, not %s", ErrContractCode, c.net.Registry, tm, c.net.Tasks)
	case reg != c.net.Registry:
		return fmt.Errorf("%w: the task manager %s serves the registry %s, not %s", ErrContractCode, c.net.Tasks, reg, c.net.Registry)
	case tmRnd != rnd:
		return fmt.Errorf("%w: the registry draws from %s, the task manager from %s", ErrContractCode, rnd, tmRnd)
	case c.net.Randomness != (common.Address{}) && rnd != c.net.Randomness:
		return fmt.Errorf("%w: the contracts draw from %s, not the file's %s", ErrContractCode, rnd, c.net.Randomness)
	}
	return c.checkCode(ctx, "randomness source", rnd, want.Randomness)
}

// checkCode compares the code at addr with want.
func (c *Client) checkCode(ctx context.Context, what string, addr common.Address, want bindings.RuntimeCode) error {
	code, err := c.backend.CodeAt(ctx, addr, nil)
	if err != nil {
		return fmt.Errorf("chain: reading the %s's code: %w", what, err)
	}
	if !CodeMatches(code, want) {
		if len(code) == 0 {
			return fmt.Errorf("%w: no contract at the %s's address %s", ErrContractCode, what, addr)
		}
		return fmt.Errorf("%w: the %s at %s runs other code (%d bytes, keccak256 %s)", ErrContractCode, what, addr, len(code), crypto.Keccak256Hash(code).Hex())
	}
	return nil
}

// CodeMatches reports whether code is a deployment of want: its size, and
// its keccak256 with the immutables' spans zeroed.
func CodeMatches(code []byte, want bindings.RuntimeCode) bool {
	if len(code) != want.Size {
		return false
	}
	masked := bytes.Clone(code)
	for _, s := range want.Immutables {
		if s[0] < 0 || s[1] < 0 || s[0]+s[1] > len(masked) {
			return false
		}
		clear(masked[s[0] : s[0]+s[1]])
	}
	return crypto.Keccak256Hash(masked) == want.MaskedHash
}

// isPrivate reports whether host is an address of a private network
// (RFC 1918, IPv6 unique-local).
func isPrivate(host string) bool {
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && a.Unmap().IsPrivate()
}
