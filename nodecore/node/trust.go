package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// DefaultMaxStake is the most a node stakes unless its owner allows more:
// 1 coin, the protocol's default minimum stake (docs/protocol.md).
var DefaultMaxStake = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// ErrStakeLimit is a registry that asks a larger stake than the owner's
// limit (Config.MaxStake): the node stakes nothing.
var ErrStakeLimit = errors.New("node: the network asks a larger stake than this node's limit")

// chainParams checks, once, that the network file's addresses hold this
// release's contracts (chain.Client.VerifyContracts), and returns their
// parameters: the stake, the penalties and the windows a node acts on are
// the contracts', never the network file's.
func (n *Node) chainParams(ctx context.Context) (chain.Params, error) {
	n.paramsMu.Lock()
	defer n.paramsMu.Unlock()
	if n.params != nil {
		return *n.params, nil
	}
	if err := n.client.VerifyContracts(ctx); err != nil {
		return chain.Params{}, err
	}
	p, err := n.client.Params(ctx)
	if err != nil {
		return chain.Params{}, fmt.Errorf("reading the network's parameters: %w", err)
	}
	if err := p.Validate(); err != nil {
		return chain.Params{}, fmt.Errorf("%w: %v", chain.ErrContractCode, err)
	}
	if a, b := jsonOf(p), jsonOf(n.cfg.Network.Params); a != b {
		n.log.Warn("the network file's parameters differ from the contracts'; the contracts' apply", "contracts", a, "file", b)
	}
	n.params = &p
	return p, nil
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// knownParams returns the contracts' parameters, read by preflight, which
// every task and model step follows.
func (n *Node) knownParams() chain.Params {
	n.paramsMu.Lock()
	defer n.paramsMu.Unlock()
	if n.params == nil {
		return chain.Params{}
	}
	return *n.params
}

// stakeTarget is what the node stakes: the configured stake, at least the
// registry's minimum; ErrStakeLimit above the owner's limit.
func (n *Node) stakeTarget(ctx context.Context) (*big.Int, error) {
	p, err := n.chainParams(ctx)
	if err != nil {
		return nil, err
	}
	s := stakeOf(n.cfg.Stake, p)
	if s.Cmp(n.cfg.MaxStake) > 0 {
		return nil, fmt.Errorf("%w: the registry %s asks a stake of %s wei (%s coins); this node's limit is %s wei (%s coins)",
			ErrStakeLimit, n.cfg.Network.Registry, s, coinText(s), n.cfg.MaxStake, coinText(n.cfg.MaxStake))
	}
	return s, nil
}

// stakeOf is the configured stake, at least the registry's minimum.
func stakeOf(cfg *big.Int, p chain.Params) *big.Int {
	s := new(big.Int)
	if p.Registry.MinStake != nil {
		s.Set(p.Registry.MinStake)
	}
	if cfg != nil && cfg.Cmp(s) > 0 {
		s.Set(cfg)
	}
	return s
}

// staked is what the node stakes by the parameters preflight read: what a
// slash takes.
func (n *Node) staked() *big.Int { return stakeOf(n.cfg.Stake, n.knownParams()) }

// gasReserve is what the wallet keeps for gas besides the stake.
func (n *Node) gasReserve(ctx context.Context) (*big.Int, error) {
	if n.cfg.GasReserve != nil {
		return n.cfg.GasReserve, nil
	}
	p, err := n.chainParams(ctx)
	if err != nil {
		return nil, err
	}
	return n.gasReserveFor(stakeOf(n.cfg.Stake, p)), nil
}

// gasReserveFor is the gas reserve beside a stake: the configured one, or
// a tenth of the stake (bounded by the owner's limit).
func (n *Node) gasReserveFor(stake *big.Int) *big.Int {
	if n.cfg.GasReserve != nil {
		return n.cfg.GasReserve
	}
	s := stake
	if s.Cmp(n.cfg.MaxStake) > 0 {
		s = n.cfg.MaxStake
	}
	return new(big.Int).Div(s, big.NewInt(10))
}

// coinText writes wei as coins (10^18 wei), exactly.
func coinText(wei *big.Int) string {
	s := new(big.Rat).SetFrac(wei, new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)).FloatString(18)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// endpointClient is the HTTP client for the network file's faucet and
// the relay's health check: it never connects to a link-local or metadata
// address (chain.Unreachable), whatever a name resolves to.
var endpointClient = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: refuseUnreachable}).DialContext,
	TLSHandshakeTimeout:   10 * time.Second,
	ResponseHeaderTimeout: 30 * time.Second,
	MaxIdleConns:          4,
	IdleConnTimeout:       90 * time.Second,
}}

// relayHTTP carries the node's relay requests: endpointClient's dialer,
// and no redirect followed (the relay's API has none; one would carry
// the signed headers to wherever it points, plain http or a metadata
// address included).
var relayHTTP = &http.Client{Transport: endpointClient.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
	return errors.New("node: the relay redirected; the node follows no relay redirect")
}}

// refuseUnreachable is a dialer's Control: it refuses the addresses no
// endpoint of a network file may reach.
func refuseUnreachable(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("node: dialing %s: %w", address, err)
	}
	if chain.Unreachable(ap.Addr()) {
		return fmt.Errorf("node: %s is a link-local or metadata address: refused", ap.Addr())
	}
	return nil
}
