// Package daemon is hydrogend's composition root: it builds every part
// of the daemon in dependency order and runs the long-running ones under
// one supervisor. A reader follows the daemon from Run, top to bottom:
//
//  1. the owner's settings (package settings);
//  2. the GPU sampler (the app shows the card during setup);
//  3. the model store;
//  4. the local API, in setup mode;
//  5. the first-run setup (Setup): waits until the wallet and the
//     network file exist;
//  6. the node's parts: the network, the wallet, the chain's client, the
//     ledger, the engine, the model downloads, the node;
//  7. the governor, which opens and closes the node's gate; the local API
//     moves to the running node;
//  8. every long-running part, each a Run(ctx) under the supervisor.
//
// Nothing is bound late: a part exists before anything that uses it, and
// a change reaches the parts through the hub that announces it
// (settings.Store.Subscribe, gpu.Sampler.Subscribe, node.Node.Watch).
package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"golang.org/x/sync/errgroup"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/localapi"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/power"
	"github.com/hydrogen-network/hydrogen/nodecore/redact"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
)

// Presence sources.
const (
	PresenceNone  = "none"  // a headless rig: earn unless the GPU is busy, hot or scheduled off
	PresenceAPI   = "api"   // the tray reports it through the local API
	PresenceLocal = "local" // this session's input (a daemon run in the owner's session)
)

// Engine kinds.
const (
	EngineReference = "reference" // in-process, synthetic output
	EngineDocker    = "docker"    // engine containers on the GPU
)

// Config is everything the daemon is built from: the command line's
// flags (cli) or a test's choice. Zero values take the defaults Run
// documents.
type Config struct {
	DataDir        string
	NetworkFile    string // default: network.json in DataDir
	PassphraseFile string // default: passphrase in DataDir
	DemoNetwork    string // the local demo network's file the wizard offers ("": none)
	// RPC and Relay override the network file's endpoints.
	RPC, Relay string
	Scrypt     wallet.Scrypt // a wallet the setup creates; default wallet.Standard

	Engine   EngineConfig
	ModelDir string // default: models in DataDir
	Mirrors  []netip.Prefix

	// GPUName and VRAMMiB are registered; by default the first NVIDIA
	// GPU's (or, without one, the reference engine's label and 8 GiB).
	GPUName string
	VRAMMiB uint32

	Poll        time.Duration // how often the node polls the chain (default 2 s)
	Presence    string        // PresenceNone (default), PresenceAPI or PresenceLocal
	IdleMinutes int           // the settings' default: minutes away before earning (default 10)
	TempLimitC  uint32        // the settings' default: pause at this temperature (default 83)
	Power       power.Source  // the battery (default power.OS())

	API API

	FeeCeiling *big.Int // the most a transaction pays per gas (default chain.DefaultMaxFeePerGas)
	MaxStake   *big.Int // nil: node.DefaultMaxStake

	Logs *localapi.LogRing // what GET /v1/logs shows (nil: none)
	Log  *slog.Logger

	// AtPhase, when set, is called as the node enters each phase of a
	// task (the kill -9 tests stop the daemon there).
	AtPhase func(phase string, task uint64)
}

// EngineConfig chooses the inference engine.
type EngineConfig struct {
	Kind string        // EngineReference (default) or EngineDocker
	Work time.Duration // EngineReference: how long a task takes
	// EngineDocker: the images serving image and text tasks, the name
	// the text server knows its model by ("": the task's model ID), and
	// the Docker engine's URL ("": $DOCKER_HOST or the local socket).
	ImageEngine, TextEngine, TextModel, DockerHost string
	// Named: the images were named by the owner and are used as they
	// are; otherwise missing default images fall back to the reference
	// engine's image (see engineImages).
	Named bool
}

// API configures the local API.
type API struct {
	Socket     string   // the unix socket or pipe ("": none)
	Group      int      // the socket's group; -1: the daemon's
	Writers    []uint32 // users besides root and this user that may control the daemon
	WriterSIDs []string // Windows: the users the pipe's ACL admits
	Metrics    string   // serve Prometheus metrics on this address ("": none)
	// WithdrawalDelay is how long a change of the withdrawal address
	// waits before it applies (default localapi.DefaultWithdrawalDelay).
	WithdrawalDelay time.Duration
}

// OwnerID names a daemon's containers: a hash of its data directory.
func OwnerID(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	sum := sha256.Sum256([]byte(abs))
	return hex.EncodeToString(sum[:8])
}

func (c *Config) defaults() {
	if c.NetworkFile == "" {
		c.NetworkFile = filepath.Join(c.DataDir, "network.json")
	}
	if c.PassphraseFile == "" {
		c.PassphraseFile = filepath.Join(c.DataDir, "passphrase")
	}
	if c.ModelDir == "" {
		c.ModelDir = filepath.Join(c.DataDir, "models")
	}
	if c.Scrypt == (wallet.Scrypt{}) {
		c.Scrypt = wallet.Standard
	}
	if c.Engine.Kind == "" {
		c.Engine.Kind = EngineReference
	}
	if c.Poll <= 0 {
		c.Poll = 2 * time.Second
	}
	if c.Presence == "" {
		c.Presence = PresenceNone
	}
	if c.IdleMinutes == 0 {
		c.IdleMinutes = 10
	}
	if c.TempLimitC == 0 {
		c.TempLimitC = 83
	}
	if c.Power == nil {
		c.Power = power.OS()
	}
	if c.API.WithdrawalDelay == 0 {
		c.API.WithdrawalDelay = localapi.DefaultWithdrawalDelay
	}
	if c.FeeCeiling == nil {
		c.FeeCeiling = chain.DefaultMaxFeePerGas
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Run builds the daemon from cfg and runs it until ctx ends (nil) or a
// part fails for good (its error). The steps are the package comment's.
func Run(ctx context.Context, cfg Config) error {
	cfg.defaults()
	log := cfg.Log
	if cfg.API.Socket != "" {
		// The socket lives there; the first run's wizard fills it.
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return err
		}
	}

	// 1. The settings: the command line gives the defaults, the owner's
	// saved settings (changed through the local API) win.
	defaults := settings.Defaults(cfg.Presence == PresenceNone)
	idleMin, temp := cfg.IdleMinutes, cfg.TempLimitC
	defaults.IdleMinutes, defaults.TempLimitC = &idleMin, &temp
	sets, err := settings.Open(filepath.Join(cfg.DataDir, "settings.json"), defaults)
	if err != nil {
		return err
	}
	sets.AllowMirrors(cfg.Mirrors)

	sup, ctx := newSupervisor(ctx, log)

	// 2. The card, sampled from the start: the app shows it during setup.
	sampler := &gpu.Sampler{Reader: gpu.NewReader(), Period: 500 * time.Millisecond}
	sup.keep("gpu sampler", sampler.Run)

	// 3. The model store, scanned (and repaired) at start, its quota the
	// owner's setting.
	store, rep, err := models.Open(cfg.ModelDir, func() int64 { return settings.QuotaBytes(sets.Get()) }, log)
	if err != nil {
		return sup.stop(fmt.Errorf("model store %s: %w", cfg.ModelDir, err))
	}
	log.Info("model store", "dir", cfg.ModelDir, "models", rep.Models, "partial", len(rep.Partial), "removed", len(rep.Removed), "adopted", len(rep.Adopted))
	// Models the store removes are reported to the network once the node
	// runs (until then, the node's start reconciles its models anyway).
	removed := make(chan string, 64)
	store.OnRemoved = func(id, why string) {
		select {
		case removed <- id:
		default:
			log.Warn("a removed model is not reported to the network: too many at once (the next start reconciles it)", "model", id)
		}
	}

	// 4. The local API, in setup mode.
	setup := NewSetup(cfg.DataDir, cfg.NetworkFile, cfg.PassphraseFile, cfg.DemoNetwork, cfg.Scrypt)
	var srv *localapi.Server
	if cfg.API.Socket != "" {
		if srv, err = serveAPI(sup, cfg, sets, setup, store, sampler); err != nil {
			return sup.stop(err)
		}
	}

	// 5. The first-run setup.
	if needs, _ := setup.Needs(); len(needs) > 0 && srv != nil {
		log.Info("waiting for the first-run steps in the Hydrogen app", "needs", needs)
		select {
		case <-ctx.Done():
			return sup.stop(nil)
		case <-setup.Started():
		}
	} else if err := setup.Start(ctx); err != nil {
		log.Debug("setup incomplete; building the node reports what is missing", "err", err)
	}

	// 6. The node's parts.
	parts, err := buildNode(ctx, cfg, store, sets)
	if err != nil {
		return sup.stop(err)
	}
	defer parts.close()
	nd := parts.node

	// 7. The governor; the API moves to the running node.
	gov := governor.New(governor.Options{Policy: sets.Policy(), Gate: nd, Workers: parts.releasers, Chain: nd, Log: log})
	nd.SetAutoRejoin(settings.AutoRejoin(sets.Get()))
	if srv != nil {
		srv.Attach(localapi.Parts{Node: nd, Governor: gov, Ledger: parts.ledger, Downloads: parts.downloads, RPC: parts.rpc, NetworkName: parts.networkName})
	}

	// 8. The long-running parts.
	sup.keep("settings", func(ctx context.Context) error {
		for st := range sets.Subscribe(ctx) {
			gov.SetPolicy(settings.Policy(st))
			parts.downloads.SettingsChanged()
			nd.SetAutoRejoin(settings.AutoRejoin(st))
		}
		return ctx.Err()
	})
	sup.keep("gpu to governor", func(ctx context.Context) error {
		for s := range sampler.Subscribe(ctx) {
			if len(s.GPUs) > 0 {
				c := s.GPUs[0].WithOurs(parts.owns)
				gov.ReportGPU(&c)
			}
		}
		return ctx.Err()
	})
	sup.keep("removed models", func(ctx context.Context) error {
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case id := <-removed:
				rctx, cancel := context.WithTimeout(chain.Background(ctx), time.Minute)
				if err := nd.ReportModel(rctx, id, false); err != nil && ctx.Err() == nil {
					log.Warn("reporting a model to the network failed", "model", id, "held", false, "err", err)
				}
				cancel()
			}
		}
	})
	if cfg.Presence == PresenceLocal {
		w := idle.NewWatcher(idle.DefaultSources()...)
		sup.keep("presence", func(ctx context.Context) error { return w.Run(ctx, 250*time.Millisecond, gov.ReportPresence) })
	}
	// The machine's power source and the task the engine runs feed the
	// policy: pause on battery; let a short task finish when the schedule
	// ends the earning window.
	sup.keep("power", func(ctx context.Context) error {
		power.Watch(ctx, cfg.Power, 2*time.Second, log, gov.SetBattery)
		return ctx.Err()
	})
	sup.keep("task to governor", func(ctx context.Context) error { return feedTask(ctx, nd, gov) })
	sup.keep("governor", func(ctx context.Context) error { return gov.Run(ctx, time.Second) })
	sup.vital("node", nd.Run)
	return sup.wait()
}

// serveAPI opens the local API (and the metrics) and serves it under the
// supervisor, in setup mode until Attach.
func serveAPI(sup *supervisor, cfg Config, sets *settings.Store, setup *Setup, store *models.Store, sampler *gpu.Sampler) (*localapi.Server, error) {
	log := cfg.Log
	access := localapi.Access{Owner: uint32(os.Geteuid()), Group: uint32(os.Getegid()), Writers: cfg.API.Writers, Users: cfg.API.WriterSIDs}
	if cfg.API.Group >= 0 {
		access.Group = uint32(cfg.API.Group)
	}
	// Withdrawals go only to this address; a change waits.
	payout, err := localapi.OpenWithdrawalAddress(filepath.Join(cfg.DataDir, "withdrawal-address.json"), cfg.API.WithdrawalDelay, log)
	if err != nil {
		return nil, err
	}
	ln, err := localapi.Open(cfg.API.Socket, access)
	if err != nil {
		return nil, fmt.Errorf("local API: %w", err)
	}
	srv := &localapi.Server{Settings: sets, Logs: cfg.Logs, Log: log, Setup: setup, Models: store, Withdrawal: payout,
		GPU: func() *api.GPU { return wireGPU(sampler.Last()) }, Access: access}
	sup.vital("local API", func(ctx context.Context) error { return srv.Serve(ctx, ln) })
	log.Info("local API", "socket", cfg.API.Socket)
	if cfg.API.Metrics != "" {
		ml, err := net.Listen("tcp", cfg.API.Metrics)
		if err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		ms := &http.Server{Handler: srv.Metrics(), ReadHeaderTimeout: 5 * time.Second}
		sup.optional("metrics", func(ctx context.Context) error {
			context.AfterFunc(ctx, func() { ms.Close() })
			if err := ms.Serve(ml); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		log.Info("Prometheus metrics", "address", ml.Addr().String())
	}
	return srv, nil
}

// nodeParts is what buildNode made: the node and what it runs on.
type nodeParts struct {
	node             *node.Node
	ledger           *ledger.Ledger
	downloads        *models.Manager     // the network's models, into the store
	releasers        []governor.Releaser // the engine's workers, which the governor takes off the GPU
	owns             func(pid uint32) bool
	rpc, networkName string
	closers          []func()
}

// close closes the parts in the reverse order of their opening.
func (p *nodeParts) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// buildNode builds the node from the network file, the wallet, the
// chain's client, the ledger, the engine and the downloads of the
// network's models into store, in that order; on an error it closes what
// it opened.
func buildNode(ctx context.Context, cfg Config, store *models.Store, sets *settings.Store) (_ *nodeParts, err error) {
	log := cfg.Log
	p := &nodeParts{owns: func(uint32) bool { return false }}
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	network, err := chain.LoadNetwork(cfg.NetworkFile)
	if err != nil {
		return nil, err
	}
	rpc, relayURL := cfg.RPC, cfg.Relay
	if rpc == "" {
		if err := network.CheckIPC(cfg.DataDir); err != nil {
			return nil, err
		}
		rpc = network.RPC
	}
	if relayURL == "" {
		relayURL = network.Relay
	}
	if rpc == "" || relayURL == "" {
		return nil, ErrNoEndpoints
	}
	p.rpc, p.networkName = rpc, network.Name
	if _, err := wallet.Address(cfg.DataDir); errors.Is(err, wallet.ErrNoWallet) {
		return nil, fmt.Errorf("no wallet in %s: run `hydrogend wallet create -data %s -passphrase-file FILE` first", cfg.DataDir, cfg.DataDir)
	}
	key, err := wallet.Unlock(cfg.DataDir, cfg.PassphraseFile)
	if err != nil {
		return nil, err
	}
	card := identify(cfg)

	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	client, err := chain.Dial(dctx, rpc) // answers bounded
	cancel()
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", rpc, err)
	}
	p.closers = append(p.closers, client.Close)
	if p.ledger, err = ledger.Open(filepath.Join(cfg.DataDir, "ledger.db")); err != nil {
		return nil, err
	}
	p.closers = append(p.closers, func() {
		if err := p.ledger.Close(); err != nil {
			log.Warn("closing the ledger", "err", err)
		}
	})
	eng, err := p.engine(ctx, cfg, card.uuid)
	if err != nil {
		return nil, err
	}
	catalog, err := network.Catalog()
	if err != nil {
		return nil, err
	}
	p.downloads = &models.Manager{Store: store, Catalog: catalog, Settings: sets.Downloads, Log: log}
	ncfg := node.Config{
		Backend: client, Network: network, Key: key, RelayURL: relayURL,
		Engine: eng, Ledger: p.ledger, GPUName: card.name, VRAMMiB: card.mib,
		Version: node.EngineVersion, Poll: cfg.Poll, Log: log,
		Store: p.downloads, KnownModels: catalog.IDs(), MaxStake: cfg.MaxStake,
		FeeCeiling: cfg.FeeCeiling, AtPhase: cfg.AtPhase,
	}
	if p.node, err = node.New(ncfg); err != nil {
		return nil, err
	}
	log.Info("starting the node", "address", p.node.Address(), "gpu", card.name, "vram_mib", card.mib, "engine", eng.Name(), "rpc", redact.URL(rpc), "relay", redact.URL(relayURL), "presence", cfg.Presence)
	return p, nil
}

// ErrNoEndpoints: neither the network file nor the configuration names
// the chain's or the relay's endpoint.
var ErrNoEndpoints = errors.New("the network file names no RPC or relay endpoint: pass -rpc and -relay")

// card is what the node registers of its GPU.
type card struct {
	name, uuid string
	mib        uint32
}

// identify names the GPU the node registers: the configuration's, else
// the first NVIDIA GPU's; without one, the reference engine as what it
// is.
func identify(cfg Config) card {
	c := card{name: cfg.GPUName, mib: cfg.VRAMMiB}
	inv, err := gpu.Probe()
	if err == nil && len(inv.Devices) > 0 {
		first := inv.Devices[0]
		c.uuid = first.UUID
		if c.name == "" {
			c.name = first.Name
		}
		if c.mib == 0 {
			c.mib = uint32(first.MemoryTotal >> 20)
		}
		return c
	}
	// Without a GPU only the reference engine can run; it registers as
	// what it is.
	if c.name == "" {
		c.name = "no GPU: " + reference.Label
	}
	if c.mib == 0 {
		c.mib = 8192
	}
	return c
}

// engine opens the configured engine: the reference engine, or Docker
// workers (whose processes it marks as ours, whose workers the governor
// releases).
func (p *nodeParts) engine(ctx context.Context, cfg Config, gpuUUID string) (engine.Engine, error) {
	if cfg.Engine.Kind != EngineDocker {
		return reference.Engine{Work: cfg.Engine.Work}, nil
	}
	dk, err := worker.Connect(ctx, cfg.Engine.DockerHost)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, func() {
		if err := dk.Close(); err != nil {
			cfg.Log.Debug("closing the Docker client", "err", err)
		}
	})
	if err := os.MkdirAll(cfg.ModelDir, 0o755); err != nil {
		return nil, err
	}
	images, err := engineImages(ctx, dk, cfg.Engine, cfg.Log)
	if err != nil {
		return nil, err
	}
	images.TextModel, images.Owner, images.GPU, images.ModelDir, images.StateDir, images.Log = cfg.Engine.TextModel, OwnerID(cfg.DataDir), gpuUUID, cfg.ModelDir, cfg.DataDir, cfg.Log
	engines, err := worker.NewEngines(ctx, dk, images)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, func() {
		if err := engines.Close(); err != nil {
			cfg.Log.Warn("closing the engines", "err", err)
		}
	})
	p.owns = engines.Owns
	for _, w := range engines.Workers {
		p.releasers = append(p.releasers, w)
	}
	return engines, nil
}

// engineImages picks the engine images for EngineDocker. Named by the
// owner, they are used as they are (pulled when missing). The defaults,
// the real ComfyUI and llama.cpp servers, are built from
// nodecore/worker/images on a machine with a GPU and a registry; when
// they are not on this machine the node says so and runs the labelled
// reference engine's image instead (synthetic output, not inference),
// building it from this source tree when needed. Nothing is pulled for
// the defaults: they are not published.
func engineImages(ctx context.Context, d worker.Docker, e EngineConfig, log *slog.Logger) (worker.Setup, error) {
	s := worker.Setup{ImageEngine: e.ImageEngine, TextEngine: e.TextEngine}
	if e.Named {
		return s, nil
	}
	var missing []string
	for _, img := range []string{e.ImageEngine, e.TextEngine} {
		if _, err := d.ImageInspect(ctx, img); err != nil {
			if !cerrdefs.IsNotFound(err) {
				return s, fmt.Errorf("docker: %s: %w", img, err)
			}
			missing = append(missing, img)
		}
	}
	if len(missing) == 0 {
		return s, nil
	}
	log.Warn("the engine images are not on this machine: running the reference engine in Docker instead (synthetic output, not real inference); build the real ones from nodecore/worker/images, or name them with -image-engine and -text-engine",
		"missing", strings.Join(missing, ","), "image", refimage.Tag)
	if _, err := d.ImageInspect(ctx, refimage.Tag); err != nil {
		log.Info("building the reference engine's image", "image", refimage.Tag)
		if err := refimage.Build(ctx, d); err != nil {
			return s, fmt.Errorf("the engine images %s are not on this machine, and the reference engine's image could not be built: %w", strings.Join(missing, ", "), err)
		}
	}
	return worker.Setup{ImageEngine: refimage.Tag, ImageCmd: refimage.Cmd(""), TextEngine: refimage.Tag, TextCmd: refimage.Cmd(""),
		Name: reference.Label + " in a Docker worker, standing in for the missing engine images"}, nil
}

// wireGPU is the first GPU of a sample as the API shows it (nil before
// the first sample).
func wireGPU(s gpu.Snapshot) *api.GPU {
	if s.At.IsZero() {
		return nil
	}
	if s.Err != nil {
		return &api.GPU{Problem: gpuProblem(s.Err), Error: s.Err.Error()}
	}
	if len(s.GPUs) == 0 {
		return &api.GPU{Problem: api.GPUNone}
	}
	g := s.GPUs[0]
	return &api.GPU{Name: g.Name, MemoryTotal: g.MemoryTotal, MemoryUsed: g.MemoryUsed, Utilization: g.Utilization, TempC: g.TemperatureC,
		PowerW: g.PowerW, HasUtil: g.HasUtil, HasTemp: g.HasTemp, HasPower: g.HasPower, HasMemory: g.HasMemoryInfo}
}

// gpuProblem is the code of a sampler's error.
func gpuProblem(err error) api.GPUProblem {
	switch {
	case errors.Is(err, gpu.ErrNoDriver):
		return api.GPUNoDriver
	case errors.Is(err, gpu.ErrNoPermission):
		return api.GPUNoPermission
	case errors.Is(err, gpu.ErrUnsupported):
		return api.GPUUnsupported
	}
	return api.GPUReadFailed
}

// feedTask tells the governor about the task the engine runs: when the
// node's task or phase changes, and every second while one runs (its
// time left shrinks).
func feedTask(ctx context.Context, nd *node.Node, g *governor.Governor) error {
	changes := nd.Watch(ctx)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		running, left := nd.RunningTask()
		g.SetTask(policy.Task{Running: running, Left: left})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-changes:
			if !ok {
				return ctx.Err()
			}
		case <-t.C:
		}
	}
}

// supervisor runs the daemon's long-running parts: a vital part's end
// ends the daemon (the node, the local API), with its error; a kept part
// that fails is logged and restarted after a growing delay; every part
// stops with the daemon's context.
type supervisor struct {
	g      *errgroup.Group
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger
}

func newSupervisor(parent context.Context, log *slog.Logger) (*supervisor, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	g, gctx := errgroup.WithContext(ctx)
	return &supervisor{g: g, ctx: gctx, cancel: cancel, log: log}, gctx
}

// vital runs run; when it returns, the daemon stops, with its error.
func (s *supervisor) vital(name string, run func(context.Context) error) {
	s.g.Go(func() error {
		err := run(s.ctx)
		if err != nil && s.ctx.Err() == nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		s.cancel() // its end is the daemon's
		return nil
	})
}

// optional runs run once; its failure is logged and the daemon goes on
// without it (the metrics server: its listener is gone).
func (s *supervisor) optional(name string, run func(context.Context) error) {
	s.g.Go(func() error {
		if err := run(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.Error("a part of the daemon stopped; the daemon goes on without it", "part", name, "err", err)
		}
		return nil
	})
}

// keep runs run until the daemon stops, restarting it (after 1 s, then
// doubling to a minute) whenever it returns early.
func (s *supervisor) keep(name string, run func(context.Context) error) {
	s.g.Go(func() error {
		delays := backoff.New(time.Second, time.Minute)
		for {
			start := time.Now()
			err := run(s.ctx)
			if s.ctx.Err() != nil {
				return nil
			}
			if time.Since(start) > time.Minute {
				delays.Reset() // it ran a while: start over
			}
			delay := delays.Next()
			s.log.Warn("a part of the daemon stopped; restarting it", "part", name, "err", err, "in", delay)
			if !backoff.SleepFor(s.ctx, delay) {
				return nil
			}
		}
	})
}

// stop stops the parts started and returns err: a step failed before the
// daemon ran (or ctx ended while it waited for the setup).
func (s *supervisor) stop(err error) error {
	s.cancel()
	if werr := s.g.Wait(); err == nil {
		err = werr
	}
	return err
}

// wait waits for the parts: nil when ctx ended the daemon or a vital part
// ended without an error, else the first vital part's error.
func (s *supervisor) wait() error {
	defer s.cancel()
	return s.g.Wait()
}
