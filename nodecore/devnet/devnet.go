// Package devnet runs a whole Hydrogen network in one process: an EVM
// chain served over JSON-RPC on loopback, the contracts, funded accounts,
// a relay with a faucet, a demo application creating tasks, and peer
// nodes running the reference engine (some of them cheating, on request).
// `hydrogend devnet` runs it; tests use it to drive real nodes.
package devnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/daemon"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	modelsPkg "github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
)

// Config says what to run.
type Config struct {
	// Dir keeps the network file, the relay's payloads and the peers'
	// ledgers. Required.
	Dir string
	// Host is the interface to serve on: loopback unless told otherwise.
	Host string
	// RPCPort and HTTPPort are the chain's JSON-RPC port and the relay's
	// (and faucet's) port; 0 picks free ones.
	RPCPort, HTTPPort int

	Peers    int // honest peer nodes
	Cheaters int // peer nodes that commit random scores

	// Rate is tasks created per minute (0: the source creates none by
	// itself; Source().Create still works). Tasks stops it after that
	// many (0: no limit).
	Rate  float64
	Tasks int

	// BlockPeriod is the longest time between blocks; a pending
	// transaction is mined at once, as long as the chain's clock stays
	// within MaxLead of the wall clock. Block times are whole seconds, so
	// a busy chain runs ahead of the wall clock: peers follow the chain's
	// clock, a separate node needs the lead well under its 60 s skew
	// limit (the default is 5 s). Tests that want speed raise it.
	BlockPeriod time.Duration
	MaxLead     time.Duration
	// NodePoll is how often peers poll the chain.
	NodePoll time.Duration

	Log *slog.Logger
	// Docker, when set, runs each honest peer's engine in a worker
	// container from the reference engine image (refimage.Tag, which
	// must exist) instead of in-process.
	Docker worker.Docker
	// PeerAtPhase, when set, is each peer's node.Config.AtPhase: tests use
	// it to hold peers back at a phase.
	PeerAtPhase func(peer, phase string, task uint64)
	// ModelBytes is the size of each hosted model (DefaultModelBytes).
	ModelBytes int64
	// MinHolders is the registry's minHolders: how many nodes must hold
	// a model before its tasks go to holders only (0: one more than the
	// peers, so that the network asks a node that joins to hold its
	// models).
	MinHolders uint8
}

// Defaults for Config's zero fields.
const (
	DefaultPeers       = 8 // with a cheater, nine nodes: three for a task, two panels of three to slash it
	DefaultBlockPeriod = time.Second
	DefaultMaxLead     = 5 * time.Second
	DefaultNodePoll    = 250 * time.Millisecond
)

// Peer is a node the devnet runs.
type Peer struct {
	Name    string
	Cheater bool
	Addr    common.Address
	Node    *node.Node
	Ledger  *ledger.Ledger
	Engine  engine.Engine
	Models  *modelsPkg.Manager
	done    chan error
	engines *worker.Engines // when in containers
}

// Devnet is a running local network.
type Devnet struct {
	cfg     Config
	Chain   *Chain
	Network *chain.Network
	// NetworkFile is where the network file (with the endpoints) is.
	NetworkFile string
	RelayURL    string
	FaucetURL   string
	Peers       []*Peer

	app      *chain.Client
	source   *Source
	relaySrv *relay.Server
	models   *modelHost
	catalog  *modelsPkg.Catalog
	http     *http.Server
	ln       net.Listener
	log      *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

// Funding of the devnet's accounts, in ether.
const (
	peerEther   = 100
	appEther    = 100_000
	faucetEther = 100_000
)

func ether(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))
}

// Start starts the chain, deploys the protocol, starts the relay and the
// faucet and joins the peers. Run runs the source; Close stops everything.
func Start(ctx context.Context, cfg Config) (d *Devnet, err error) {
	if cfg.Dir == "" {
		return nil, errors.New("devnet: a directory is required")
	}
	if cfg.Peers < 0 || cfg.Cheaters < 0 || cfg.Peers+cfg.Cheaters > 64 {
		return nil, errors.New("devnet: between 0 and 64 peers")
	}
	if cfg.Rate < 0 || cfg.Tasks < 0 {
		return nil, errors.New("devnet: the task rate and count cannot be negative")
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.BlockPeriod <= 0 {
		cfg.BlockPeriod = DefaultBlockPeriod
	}
	if cfg.MaxLead <= 0 {
		cfg.MaxLead = DefaultMaxLead
	}
	if cfg.NodePoll <= 0 {
		cfg.NodePoll = DefaultNodePoll
	}
	if cfg.ModelBytes <= 0 {
		cfg.ModelBytes = DefaultModelBytes
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	if cfg.Docker != nil {
		if err := cleanDeadDevnets(ctx, cfg.Docker, cfg.Log); err != nil {
			return nil, fmt.Errorf("devnet: clean up after earlier devnets: %w", err)
		}
	}

	// Keys: deployer (also the treasury), application, faucet, peers.
	n := 3 + cfg.Peers + cfg.Cheaters
	keys := make([]*ecdsa.PrivateKey, n)
	alloc := types.GenesisAlloc{}
	for i := range keys {
		if keys[i], err = crypto.GenerateKey(); err != nil {
			return nil, err
		}
		bal := ether(peerEther)
		switch i {
		case 1:
			bal = ether(appEther)
		case 2:
			bal = ether(faucetEther)
		}
		alloc[crypto.PubkeyToAddress(keys[i].PublicKey)] = types.Account{Balance: bal}
	}
	c, err := startChain(alloc, cfg.Host, cfg.RPCPort)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	d = &Devnet{cfg: cfg, Chain: c, log: cfg.Log, cancel: cancel}
	started := d
	defer func() {
		if err != nil {
			started.Close()
		}
	}()
	d.wg.Go(func() { c.Mine(runCtx, cfg.BlockPeriod, cfg.MaxLead) })

	transactor := func(k *ecdsa.PrivateKey) (*chain.Transactor, error) {
		tx, err := chain.NewTransactor(ctx, c, k, cfg.Log, chain.ProtocolABIs()...)
		if err == nil {
			tx.PollInterval = 20 * time.Millisecond
		}
		return tx, err
	}
	dep, err := transactor(keys[0])
	if err != nil {
		return nil, err
	}
	params := DevnetParams()
	// A model counts as well held once one more node than the devnet's
	// own peers holds it: the network asks the next node that joins (the
	// owner's, in the demo) to download the models its tasks need, and
	// then shares the tasks with it.
	params.Registry.MinHolders = uint8(min(cfg.Peers+cfg.Cheaters+1, 255))
	if cfg.MinHolders > 0 {
		params.Registry.MinHolders = cfg.MinHolders
	}
	if d.Network, err = chain.Deploy(ctx, dep, params); err != nil {
		return nil, err
	}
	appTx, err := transactor(keys[1])
	if err != nil {
		return nil, err
	}
	d.app = chain.NewClient(c, d.Network, appTx)
	faucetTx, err := transactor(keys[2])
	if err != nil {
		return nil, err
	}

	// The relay and the faucet share one HTTP server.
	if d.relaySrv, err = relay.NewServer(chain.NewClient(c, d.Network, nil), filepath.Join(cfg.Dir, "relay"), relay.DefaultLimits, cfg.Log.With("part", "relay")); err != nil {
		return nil, err
	}
	if d.ln, err = net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.HTTPPort))); err != nil {
		return nil, fmt.Errorf("devnet: relay port: %w", err)
	}
	stake := d.Network.Params.Registry.MinStake
	mux := http.NewServeMux()
	mux.Handle("/v1/faucet", &faucet{tx: faucetTx, amount: new(big.Int).Mul(stake, big.NewInt(5)), log: cfg.Log.With("part", "faucet"), granted: map[common.Address]time.Time{}, max: 1000})
	mux.Handle("/", d.relaySrv.Handler())
	d.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	d.RelayURL = "http://" + d.ln.Addr().String()
	d.models, d.Network.Models = newModelHost(cfg.ModelBytes, d.RelayURL)
	mux.Handle(modelsPath, d.models)
	if d.catalog, err = d.Network.Catalog(); err != nil {
		return nil, err
	}
	d.FaucetURL = d.RelayURL + "/v1/faucet"
	d.wg.Go(func() {
		if err := d.http.Serve(d.ln); !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("the devnet's relay and faucet stopped serving", "err", err)
		}
	})
	d.wg.Go(func() {
		if err := d.relaySrv.RunJanitor(runCtx); err != nil && runCtx.Err() == nil {
			d.log.Error("the relay's janitor stopped", "err", err)
		}
	})

	d.Network.RPC, d.Network.Relay, d.Network.Faucet = c.WS, d.RelayURL, d.FaucetURL
	d.Network.Name = NetworkName
	d.NetworkFile = filepath.Join(cfg.Dir, "network.json")
	if err := d.Network.Save(d.NetworkFile); err != nil {
		return nil, err
	}
	d.source = newSource(d.app, d.RelayURL, keys[1], cfg.Log.With("part", "app"))

	for i, k := range keys[3:] {
		cheater := i >= cfg.Peers
		name := fmt.Sprintf("peer-%d", i+1)
		if cheater {
			name = fmt.Sprintf("cheater-%d", i-cfg.Peers+1)
		}
		if err := d.startPeer(runCtx, name, k, cheater, uint64(i+1)); err != nil {
			return nil, err
		}
	}
	if err := d.waitPeersAvailable(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Devnet) startPeer(ctx context.Context, name string, key *ecdsa.PrivateKey, cheater bool, noise uint64) error {
	dir := filepath.Join(d.cfg.Dir, "peers", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	l, err := ledger.Open(filepath.Join(dir, "ledger.db"))
	if err != nil {
		return err
	}
	// Each peer keeps a model store, empty at first: the network asks
	// peers to download the models its tasks need. (A cheater holds them
	// too: it skips the work, not the download.)
	store, _, err := modelsPkg.Open(filepath.Join(dir, "models"), nil, d.log.With("peer", name))
	if err != nil {
		l.Close()
		return err
	}
	// The devnet serves its models on this machine: its peers may fetch
	// from loopback, which an owner's node refuses unless told.
	mgr := &modelsPkg.Manager{Store: store, Catalog: d.catalog, Log: d.log.With("peer", name),
		Settings: func() modelsPkg.DownloadSettings {
			return modelsPkg.DownloadSettings{AllowPrivateHosts: modelsPkg.LoopbackPrefixes()}
		}}
	var eng engine.Engine = reference.Engine{NoisePixels: 12, NoiseSeed: noise}
	var engines *worker.Engines
	switch {
	case cheater:
		eng = cheat{}
	case d.cfg.Docker != nil:
		engines, err = worker.NewEngines(ctx, d.cfg.Docker, worker.Setup{
			ImageEngine: refimage.Tag, ImageCmd: refimage.Cmd(""), TextEngine: refimage.Tag,
			Owner: daemon.OwnerID(dir), ModelDir: store.Dir(), StateDir: dir, Log: d.log.With("peer", name),
			Labels: map[string]string{LabelDevnetPID: strconv.Itoa(os.Getpid())},
		})
		if err != nil {
			l.Close()
			return err
		}
		eng = engines
	}
	cfg := node.Config{
		Backend: d.Chain, Network: d.Network, Key: key, RelayURL: d.RelayURL, Engine: eng, Ledger: l,
		GPUName: "devnet reference GPU", VRAMMiB: 24576, Version: node.EngineVersion,
		Poll: d.cfg.NodePoll, MinTaskTime: 5 * time.Second, Log: d.log.With("peer", name),
		Now:         d.Chain.Now, // deadlines are in chain time, which may run ahead (MaxLead)
		KnownModels: d.catalog.IDs(), Store: mgr,
	}
	if hook := d.cfg.PeerAtPhase; hook != nil {
		cfg.AtPhase = func(phase string, task uint64) { hook(name, phase, task) }
	}
	nd, err := node.New(cfg)
	if err != nil {
		l.Close()
		return err
	}
	p := &Peer{Name: name, Cheater: cheater, Addr: nd.Address(), Node: nd, Ledger: l, Engine: eng, Models: mgr, done: make(chan error, 1), engines: engines}
	d.Peers = append(d.Peers, p)
	d.wg.Go(func() { p.done <- nd.Run(ctx) })
	return nil
}

func (d *Devnet) waitPeersAvailable(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for _, p := range d.Peers {
		for p.Node.Snapshot().State != node.StateAvailable {
			select {
			case err := <-p.done:
				return fmt.Errorf("devnet: %s stopped while joining: %v", p.Name, err)
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("devnet: %s did not join in 30 s (state %s)", p.Name, p.Node.Snapshot().State)
			}
		}
	}
	return nil
}

// Source is the demo application.
func (d *Devnet) Source() *Source { return d.source }

// App is the demo application's chain client.
func (d *Devnet) App() *chain.Client { return d.app }

// Run creates tasks at the configured rate and checks them until ctx
// ends or, when the configured number of tasks is created and every one
// is final on chain and in the peers' ledgers, returns nil.
func (d *Devnet) Run(ctx context.Context) error {
	var interval time.Duration
	if d.cfg.Rate > 0 {
		interval = time.Duration(float64(time.Minute) / d.cfg.Rate)
	}
	next := time.Now()
	tick := time.NewTicker(min(d.cfg.NodePoll, 250*time.Millisecond))
	defer tick.Stop()
	for {
		for _, p := range d.Peers {
			select {
			case err := <-p.done:
				if ctx.Err() == nil {
					return fmt.Errorf("devnet: %s stopped: %v", p.Name, err)
				}
			default:
			}
		}
		want := interval > 0 && (d.cfg.Tasks == 0 || d.source.Created() < d.cfg.Tasks)
		if want && !time.Now().Before(next) {
			kind := engine.KindImage
			if d.source.Created()%2 == 1 {
				kind = engine.KindText
			}
			if _, err := d.source.Create(ctx, kind); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if !errors.Is(err, chain.ErrNotEnoughNodes) {
					d.log.Warn("creating a task failed", "err", err)
				}
				next = time.Now().Add(200 * time.Millisecond) // nodes are busy: try again soon
			} else {
				next = next.Add(interval)
				if now := time.Now(); next.Before(now) {
					next = now
				}
			}
		}
		if err := d.source.Check(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("checking tasks failed", "err", err)
		}
		if d.cfg.Tasks > 0 && d.source.Created() >= d.cfg.Tasks && d.source.Open() == 0 && d.ledgersSettled(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// ledgersSettled reports whether no peer has a task open in its ledger.
func (d *Devnet) ledgersSettled(ctx context.Context) bool {
	for _, p := range d.Peers {
		if open, err := p.Ledger.Pending(ctx); err != nil || len(open) > 0 {
			return false
		}
	}
	return true
}

// Close stops the peers, the relay and the chain.
func (d *Devnet) Close() {
	if d.closed {
		return
	}
	d.closed = true
	d.cancel()
	if d.http != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = d.http.Shutdown(sctx)
		cancel()
	}
	d.wg.Wait()
	for _, p := range d.Peers {
		p.Ledger.Close()
		if p.engines != nil {
			p.engines.Close()
		}
	}
	d.Chain.Close()
}

// LabelDevnetPID marks the containers of a devnet with its process ID,
// so that a later devnet removes those a killed one left.
const LabelDevnetPID = "io.hydrogen.devnet.pid"

// cleanDeadDevnets removes worker containers of devnets whose process is
// gone; it never touches containers without the devnet label.
func cleanDeadDevnets(ctx context.Context, d worker.Docker, log *slog.Logger) error {
	list, err := d.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", worker.LabelManaged+"=true", LabelDevnetPID)})
	if err != nil {
		return err
	}
	for _, c := range list.Items {
		pid, err := strconv.Atoi(c.Labels[LabelDevnetPID])
		if err != nil || pid <= 0 || c.Labels[worker.LabelManaged] != "true" {
			continue
		}
		if processAlive(pid) {
			continue
		}
		if _, err := d.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			return err
		}
		log.Info("removed a container a stopped devnet left", "id", c.ID[:12], "pid", pid)
	}
	return nil
}

// cheat is the engine of a cheating peer: it skips the work and returns
// output drawn at random, so its score is random.
type cheat struct{}

func (cheat) Name() string { return "cheater (random output)" }

func (cheat) Run(ctx context.Context, a engine.Args) (engine.Output, error) {
	a.Seed = mrand.Int64()
	a.Prompt = strconv.FormatUint(mrand.Uint64(), 36)
	return reference.Engine{}.Run(ctx, a)
}

// NetworkName is the local demo network's name in its network file.
const NetworkName = "Local demo network"

// DevnetParams are chain.DefaultParams with the waits a public network
// needs shortened for a demo that runs for minutes: a stake unbonds, and a
// removed node may rejoin, after a minute.
func DevnetParams() chain.Params {
	p := chain.DefaultParams()
	p.Registry.UnbondingPeriod = 60
	p.Registry.RejoinDelay = 60
	return p
}
