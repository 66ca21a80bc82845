// Package simchain runs a Hydrogen network on go-ethereum's in-process
// simulated chain: for tests of the chain client and everything built on
// it, and for the gas benchmark. The chain follows plain Osaka rules, so
// gas figures match a production chain.
package simchain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// Eth returns n ether in wei.
func Eth(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), Ether) }

// OsakaRules makes a simulated chain follow plain Osaka rules: go-ethereum
// v1.17.10's default also enables a draft fork (Bogota) with experimental
// gas prices.
func OsakaRules(_ *node.Config, ec *ethconfig.Config) {
	cfg := *ec.Genesis.Config
	cfg.BogotaTime = nil
	ec.Genesis.Config = &cfg
}

// Backend is a simulated chain that mines a block for every transaction,
// so a transactor's wait ends at once.
type Backend struct {
	simulated.Client
	Sim *simulated.Backend
	// Manual, when set, leaves mining to the test (Commit).
	Manual bool

	// mine serializes sending and mining: the simulated beacon is not
	// meant for concurrent block production.
	mine sync.Mutex
}

// SendTransaction sends tx and, unless Manual, mines it.
func (b *Backend) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	b.mine.Lock()
	defer b.mine.Unlock()
	if err := b.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	if b.Manual {
		return nil
	}
	// The pool may make the transaction pending a moment after accepting
	// it (more so on a loaded machine): mine until it is in a block, so
	// that no transaction is left pending for a later Advance (which
	// cannot move the clock of a non-empty block).
	for i := 0; ; i++ {
		b.Sim.Commit()
		if _, err := b.Client.TransactionReceipt(ctx, tx.Hash()); err == nil {
			return nil
		}
		if i == 1000 {
			return fmt.Errorf("simchain: transaction %s not mined", tx.Hash())
		}
		time.Sleep(time.Millisecond)
	}
}

// Advance moves the chain's clock forward by d and mines a block. The
// transaction pool forgets a mined transaction a moment after its block
// (asynchronously, later on a loaded machine), and until then the
// simulated beacon refuses to move the clock: Advance waits for it.
func (b *Backend) Advance(d time.Duration) {
	b.mine.Lock()
	defer b.mine.Unlock()
	for i := 0; ; i++ {
		err := b.Sim.AdjustTime(d)
		if err == nil {
			break
		}
		if i == 2000 {
			panic(fmt.Sprintf("simchain: the clock cannot move: %v", err))
		}
		time.Sleep(time.Millisecond)
	}
	b.Sim.Commit()
}

// Account is a funded key with its transactor and client.
type Account struct {
	Key    *ecdsa.PrivateKey
	Addr   common.Address
	Tx     *chain.Transactor
	Client *chain.Client
}

// Net is a deployed network and its funded accounts.
type Net struct {
	Backend  *Backend
	Network  *chain.Network
	Deployer *Account
	Accounts []*Account

	index map[common.Address]*Account // built on first use by Account
}

// TB is the part of testing.TB that New uses. It is declared here so
// that this package, linked into hydrogend by the gas benchmark, never
// imports testing (a deptest rule checks it).
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// New starts a chain with n funded accounts (1000 ETH each) besides the
// deployer, deploys the protocol with params (DefaultParams when nil) and
// returns it; the chain stops when the test ends.
func New(t TB, n int, p *chain.Params) *Net {
	t.Helper()
	net, err := Start(n, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(net.Close)
	return net
}

// Start is New outside a test; Close stops the chain.
func Start(n int, p *chain.Params) (*Net, error) { return StartWith(n, p, Options{}) }

// Options change how the simulated chain runs.
type Options struct {
	// Batch makes a chain for a sender that puts many transactions in a
	// block and mines itself (Backend.Manual after the deployment): a
	// block gas limit of BlockGas (default 60 M), generous transaction
	// pool limits per account, and no time limit on building a block.
	// The rules stay plain Osaka.
	Batch    bool
	BlockGas uint64
	// Funds is each account's balance (default 1000 ETH).
	Funds *big.Int
	// Clients makes a transactor and a client for every account
	// (default true unless Batch: a batch sender signs its own).
	Clients *bool
}

// StartWith is Start with options.
func StartWith(n int, p *chain.Params, o Options) (*Net, error) {
	gas := o.BlockGas
	if gas == 0 {
		gas = 60_000_000
	}
	funds := o.Funds
	if funds == nil {
		funds = Eth(1000)
	}
	clients := !o.Batch
	if o.Clients != nil {
		clients = *o.Clients
	}
	keys := make([]*ecdsa.PrivateKey, n+1)
	alloc := types.GenesisAlloc{}
	for i := range keys {
		k, err := crypto.GenerateKey()
		if err != nil {
			return nil, err
		}
		keys[i] = k
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: funds}
	}
	opts := []func(*node.Config, *ethconfig.Config){OsakaRules, simulated.WithBlockGasLimit(gas)}
	if o.Batch {
		opts = append(opts, func(_ *node.Config, ec *ethconfig.Config) {
			ec.Miner.Recommit = time.Hour // never cut a large block short
			ec.TxPool.AccountSlots = 1024
			ec.TxPool.GlobalSlots = 1 << 16
			ec.TxPool.AccountQueue = 1024
			ec.TxPool.GlobalQueue = 1 << 16
		})
	}
	sim := simulated.NewBackend(alloc, opts...)
	b := &Backend{Client: sim.Client(), Sim: sim}
	net := &Net{Backend: b}
	ok := false
	defer func() {
		if !ok {
			sim.Close()
		}
	}()

	ctx := context.Background()
	dep, err := account(b, keys[0], nil)
	if err != nil {
		return nil, err
	}
	params := chain.DefaultParams()
	if p != nil {
		params = *p
	}
	if net.Network, err = chain.Deploy(ctx, dep.Tx, params); err != nil {
		return nil, err
	}
	if net.Deployer, err = account(b, keys[0], net.Network); err != nil {
		return nil, err
	}
	for _, k := range keys[1:] {
		if !clients {
			net.Accounts = append(net.Accounts, &Account{Key: k, Addr: crypto.PubkeyToAddress(k.PublicKey)})
			continue
		}
		a, err := account(b, k, net.Network)
		if err != nil {
			return nil, err
		}
		net.Accounts = append(net.Accounts, a)
	}
	b.Manual = o.Batch
	ok = true
	return net, nil
}

// Close stops the chain.
func (n *Net) Close() { n.Backend.Sim.Close() }

func account(b *Backend, key *ecdsa.PrivateKey, network *chain.Network) (*Account, error) {
	tx, err := chain.NewTransactor(context.Background(), b, key, nil, chain.ProtocolABIs()...)
	if err != nil {
		return nil, err
	}
	tx.PollInterval = 2 * time.Millisecond
	a := &Account{Key: key, Addr: tx.From(), Tx: tx}
	if network != nil {
		a.Client = chain.NewClient(b, network, tx)
	}
	return a, nil
}
