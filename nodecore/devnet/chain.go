package devnet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// Chain is an in-process EVM chain (go-ethereum's simulated beacon driving
// a full eth service) whose JSON-RPC is served over HTTP and WebSocket on
// one loopback port. It is the simulated backend of go-ethereum's
// ethclient/simulated package, assembled here because that package keeps
// its node, and so its RPC endpoints, private.
type Chain struct {
	// Client talks to the chain in-process.
	*ethclient.Client
	// HTTP and WS are the JSON-RPC endpoints for other processes.
	HTTP, WS string

	stack  *node.Node
	eth    *eth.Ethereum
	beacon *catalyst.SimulatedBeacon
	mu     sync.Mutex // block production is not meant to run concurrently
}

// ChainID is the chain id of every devnet (the simulated chain's): the one
// chain id whose network file may name a faucet.
const ChainID = chain.DevnetChainID

// startChain starts a chain with the given funded accounts, serving
// JSON-RPC on host:port (port 0 picks a free one).
func startChain(alloc types.GenesisAlloc, host string, port int) (*Chain, error) {
	conf := node.DefaultConfig
	conf.DataDir = "" // in memory
	conf.P2P = p2p.Config{NoDiscovery: true, MaxPeers: 0, ListenAddr: ""}
	conf.HTTPHost, conf.HTTPPort = host, port
	conf.WSHost, conf.WSPort = host, port // one port serves both
	conf.HTTPModules = []string{"eth", "net", "web3"}
	conf.WSModules = conf.HTTPModules
	conf.HTTPVirtualHosts = []string{"localhost", "127.0.0.1", "[::1]", "::1"}
	conf.WSOrigins = []string{"*"} // loopback only; browsers' dapps may connect
	conf.HTTPCors = []string{"*"}
	stack, err := node.New(&conf)
	if err != nil {
		return nil, fmt.Errorf("devnet: chain node: %w", err)
	}
	genesis := core.SystemContractAllocs()
	maps.Copy(genesis, alloc)
	ec := ethconfig.Defaults
	rules := *params.AllDevChainProtocolChanges
	rules.BogotaTime = nil // plain Osaka, as the gas benchmark measures
	ec.Genesis = &core.Genesis{Config: &rules, GasLimit: 60_000_000, Alloc: genesis}
	ec.SyncMode = ethconfig.FullSync
	ec.TxPool.NoLocals = true
	// No log index: building it cost a quarter of the devnet's CPU, and
	// nodes ask for short, recent block ranges that a scan serves well.
	ec.LogNoHistory = true
	ec.Miner.GasCeil = 60_000_000
	backend, err := eth.New(stack, &ec)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("devnet: eth service: %w", err)
	}
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})
	if err := stack.Start(); err != nil {
		stack.Close()
		return nil, fmt.Errorf("devnet: start the chain's RPC on %s:%d: %w", host, port, err)
	}
	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, backend)
	if err != nil {
		stack.Close()
		return nil, err
	}
	if err := beacon.Fork(backend.BlockChain().GetCanonicalHash(0)); err != nil {
		stack.Close()
		return nil, err
	}
	return &Chain{
		Client: ethclient.NewClient(stack.Attach()),
		HTTP:   stack.HTTPEndpoint(),
		WS:     stack.WSEndpoint(),
		stack:  stack, eth: backend, beacon: beacon,
	}, nil
}

// Close stops the chain and its RPC servers.
func (c *Chain) Close() error {
	c.Client.Close()
	err := c.beacon.Stop()
	return errors.Join(err, c.stack.Close())
}

// Commit seals a block with the pending transactions.
func (c *Chain) Commit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.beacon.Commit()
}

// lead is how far the next block's timestamp would be ahead of now. Block
// times are whole seconds and strictly increasing, so blocks faster than
// one a second run ahead of the wall clock.
func (c *Chain) lead(now time.Time) time.Duration {
	next := int64(c.eth.BlockChain().CurrentHeader().Time) + 1
	return time.Duration(next-now.Unix()) * time.Second
}

// Now is the chain's clock: the wall clock, or the last block's time
// when blocks ran ahead of it (see Mine).
func (c *Chain) Now() time.Time {
	now := time.Now()
	if head := time.Unix(int64(c.eth.BlockChain().CurrentHeader().Time), 0); head.After(now) {
		return head
	}
	return now
}

// Mine produces blocks until ctx ends: one as soon as a transaction is
// pending, as long as the chain's clock stays within maxLead of the wall
// clock, and an empty one every period so that time moves on chain.
func (c *Chain) Mine(ctx context.Context, period, maxLead time.Duration) {
	txs := make(chan core.NewTxsEvent, 64)
	sub := c.eth.TxPool().SubscribeTransactions(txs, true)
	defer sub.Unsubscribe()
	last := time.Now()
	retry := time.NewTimer(period)
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-txs:
		case <-retry.C:
		case <-sub.Err():
			return
		}
		wait := period - time.Since(last)
		for {
			pending, _ := c.eth.TxPool().Stats()
			now := time.Now()
			if pending == 0 && now.Sub(last) < period {
				break
			}
			if lead := c.lead(now); lead > maxLead {
				wait = 100 * time.Millisecond // let the wall clock catch up
				break
			}
			c.Commit()
			last = time.Now()
			wait = period
			if pending == 0 {
				break
			}
		}
		if !retry.Stop() {
			select {
			case <-retry.C:
			default:
			}
		}
		retry.Reset(max(wait, time.Millisecond))
	}
}
