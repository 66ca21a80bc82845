package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/localapi"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

// HaltEnv names a phase (node.Phase*) at which `hydrogend run` stops
// dead, printing HaltMarker, so that a test can kill -9 it exactly there.
const (
	HaltEnv    = "HYDROGEN_TEST_HALT_AT"
	HaltMarker = "hydrogend: halted at phase"
)

// Default engine images for -engine docker (built from
// nodecore/worker/images; see the README).
const (
	DefaultImageEngine = "hydrogen/comfyui:v0.3.68"
	DefaultTextEngine  = "hydrogen/llama-server:b6000"
)

// OwnerID names this daemon's containers: a hash of its data directory.
func OwnerID(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	sum := sha256.Sum256([]byte(abs))
	return hex.EncodeToString(sum[:8])
}

func (e *env) runCommand() *ffcli.Command {
	fs := e.flagSet("run")
	data := fs.String("data", datadir.Default(), "data `directory`: wallet, ledger")
	netFile := fs.String("network", "", "the network `file` (default: network.json in the data directory)")
	rpcURL := fs.String("rpc", "", "the chain's JSON-RPC `URL` (default: the network file's)")
	relayURL := fs.String("relay", "", "the relay's `URL` (default: the network file's)")
	passFile := fs.String("passphrase-file", "", "`file` with the wallet's passphrase (default: passphrase in the data directory)")
	engineName := fs.String("engine", "reference", "inference `engine`: reference (in-process, synthetic output) or docker (engine containers on the GPU)")
	imageEngine := fs.String("image-engine", DefaultImageEngine, "Docker `image` serving image tasks (ComfyUI-compatible), with -engine docker")
	textEngine := fs.String("text-engine", DefaultTextEngine, "Docker `image` serving text tasks (OpenAI-compatible), with -engine docker")
	textModel := fs.String("text-model", "", "the `name` the text server knows its model by (default: the task's model ID)")
	modelDir := fs.String("models", "", "model cache `directory` (default: models in the data directory)")
	dockerHost := fs.String("docker-host", "", "Docker engine `URL` (default: $DOCKER_HOST or the local socket)")
	gpuName := fs.String("gpu-name", "", "GPU `name` to register (default: the first NVIDIA GPU NVML reports)")
	vram := fs.Uint("vram-mib", 0, "VRAM to register, in `MiB` (default: the GPU's)")
	poll := fs.Duration("poll", 2*time.Second, "how often to poll the chain")
	presence := fs.String("presence", "none", "owner presence: none (a headless rig: earn unless the GPU is busy, hot or scheduled off), api (reported by the tray through the local API) or local (watch this session's input; for a daemon run in the owner's session)")
	apiSock := fs.String("api", "", "the local API's unix `socket` (default: hydrogend.sock in the data directory; \"off\" to serve none)")
	apiWriters := fs.String("api-writers", "", "comma-separated user `IDs` besides root and this user that may control the daemon (e.g. the desktop user's)")
	idleMinutes := fs.Int("idle-minutes", 10, "with -presence local: minutes away before earning starts")
	tempLimit := fs.Uint("temp-limit", 83, "pause at this GPU temperature (°C)")
	jsonLog := fs.Bool("log-json", false, "log JSON lines instead of text")
	verbose := fs.Bool("v", false, "log debug detail")
	return &ffcli.Command{
		Name:       "run",
		ShortUsage: "hydrogend run [-data DIR] [-network FILE] [-passphrase-file FILE]",
		ShortHelp:  "Run the node: join the network, take tasks, get paid.",
		LongHelp: "Unlocks the wallet in the data directory, checks the chain, the relay and the\n" +
			"clock, stakes and joins (or resumes after a restart), then runs every task the\n" +
			"chain assigns to this node, keeping a ledger. Stops cleanly on SIGINT/SIGTERM;\n" +
			"after a crash it resumes where it was. Create a wallet first with\n" +
			"`hydrogend wallet create`.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("run", args); err != nil {
				return err
			}
			if *engineName != "reference" && *engineName != "docker" {
				return usageError{fmt.Sprintf("-engine %q: want reference or docker", *engineName)}
			}
			if *poll < 10*time.Millisecond {
				return usageError{"-poll must be at least 10ms"}
			}
			if *presence != "none" && *presence != "local" && *presence != "api" {
				return usageError{"-presence is none, api or local"}
			}
			var writers []uint32
			for _, f := range strings.FieldsFunc(*apiWriters, func(r rune) bool { return r == ',' }) {
				uid, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
				if err != nil {
					return usageError{fmt.Sprintf("-api-writers: %q is not a user ID", f)}
				}
				writers = append(writers, uint32(uid))
			}
			if *apiSock == "" {
				*apiSock = filepath.Join(*data, "hydrogend.sock")
			}
			if *idleMinutes < 1 || *idleMinutes > 24*60 || *tempLimit < 40 || *tempLimit > 100 {
				return usageError{"-idle-minutes must be 1 to 1440 and -temp-limit 40 to 100"}
			}
			if *netFile == "" {
				*netFile = filepath.Join(*data, "network.json")
			}
			if *passFile == "" {
				*passFile = filepath.Join(*data, "passphrase")
			}
			network, err := chain.LoadNetwork(*netFile)
			if err != nil {
				return err
			}
			if *rpcURL == "" {
				*rpcURL = network.RPC
			}
			if *relayURL == "" {
				*relayURL = network.Relay
			}
			if *rpcURL == "" || *relayURL == "" {
				return usageError{"the network file names no RPC or relay endpoint: pass -rpc and -relay"}
			}
			if _, err := wallet.Address(*data); errors.Is(err, wallet.ErrNoWallet) {
				return fmt.Errorf("no wallet in %s: run `hydrogend wallet create -data %s -passphrase-file FILE` first", *data, *data)
			}
			key, err := wallet.Unlock(*data, *passFile)
			if err != nil {
				return err
			}
			name, mib, uuid := *gpuName, uint32(*vram), ""
			inv, gpuErr := gpu.Probe()
			if gpuErr == nil && len(inv.Devices) > 0 {
				uuid = inv.Devices[0].UUID
			}
			if name == "" || mib == 0 {
				switch {
				case gpuErr == nil && len(inv.Devices) > 0:
					d := inv.Devices[0]
					if name == "" {
						name = d.Name
					}
					if mib == 0 {
						mib = uint32(d.MemoryTotal >> 20)
					}
				default:
					// Without a GPU only the reference engine can run; it
					// registers as what it is.
					if name == "" {
						name = "no GPU: " + reference.Label
					}
					if mib == 0 {
						mib = 8192
					}
				}
			}
			level := slog.LevelInfo
			if *verbose {
				level = slog.LevelDebug
			}
			opts := &slog.HandlerOptions{Level: level}
			var h slog.Handler = slog.NewTextHandler(e.stderr, opts)
			if *jsonLog {
				h = slog.NewJSONHandler(e.stderr, opts)
			}
			ring := localapi.NewLogRing(h, localapi.MaxLogLines)
			log := slog.New(ring)

			dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			client, err := ethclient.DialContext(dctx, *rpcURL)
			cancel()
			if err != nil {
				return fmt.Errorf("connect to %s: %w", *rpcURL, err)
			}
			defer client.Close()
			l, err := ledger.Open(filepath.Join(*data, "ledger.db"))
			if err != nil {
				return err
			}
			defer l.Close()
			var eng engine.Engine = reference.Engine{}
			var workers []governor.Releaser
			owns := func(uint32) bool { return false }
			if *engineName == "docker" {
				d, err := worker.Connect(ctx, *dockerHost)
				if err != nil {
					return err
				}
				defer d.Close()
				if *modelDir == "" {
					*modelDir = filepath.Join(*data, "models")
				}
				if err := os.MkdirAll(*modelDir, 0o755); err != nil {
					return err
				}
				engines, err := worker.NewEngines(ctx, d, worker.Setup{
					ImageEngine: *imageEngine, TextEngine: *textEngine, TextModel: *textModel,
					Owner: OwnerID(*data), GPU: uuid, ModelDir: *modelDir, StateDir: *data, Log: log,
				})
				if err != nil {
					return err
				}
				defer engines.Close()
				eng = engines
				owns = engines.Owns
				for _, w := range engines.Workers {
					workers = append(workers, w)
				}
			}
			cfg := node.Config{
				Backend: client, Network: network, Key: key, RelayURL: *relayURL,
				Engine: eng, Ledger: l, GPUName: name, VRAMMiB: mib,
				Version: node.EngineVersion, Poll: *poll, Log: log,
			}
			if phase := os.Getenv(HaltEnv); phase != "" {
				cfg.AtPhase = func(p string, task uint64) {
					if p == phase {
						fmt.Fprintf(e.stderr, "%s %s of task %d\n", HaltMarker, p, task)
						syncOut(e.stderr)
						select {} // wait to be killed
					}
				}
			}
			nd, err := node.New(cfg)
			if err != nil {
				return err
			}
			log.Info("starting the node", "address", nd.Address(), "gpu", name, "vram_mib", mib, "engine", eng.Name(), "rpc", *rpcURL, "relay", *relayURL, "presence", *presence)
			return runGoverned(ctx, nd, governed{workers: workers, owns: owns, presence: *presence, idleMinutes: *idleMinutes, tempLimit: uint32(*tempLimit), apiSocket: *apiSock, writers: writers, ledger: l, settings: filepath.Join(*data, "settings.json"), logs: ring}, log)
		},
	}
}

// governed is how runGoverned sets the node up.
type governed struct {
	workers     []governor.Releaser
	owns        func(uint32) bool
	presence    string // none, api, local
	idleMinutes int
	tempLimit   uint32
	apiSocket   string // "off": none
	writers     []uint32
	ledger      localapi.Ledger
	settings    string // the settings file
	logs        *localapi.LogRing
}

// runGoverned runs the node under the hire-out policy: the GPU sampler
// and presence (this session's watcher, or the tray's reports through
// the local API) feed the governor, which opens and closes the node's
// gate; the local API serves status, watch, presence and control.
func runGoverned(ctx context.Context, nd *node.Node, g governed, log *slog.Logger) error {
	// The command line gives the defaults; the owner's saved settings
	// (changed through the local API) win.
	defaults := localapi.DefaultSettings(g.presence == "none")
	idleMin, temp := g.idleMinutes, g.tempLimit
	defaults.IdleMinutes, defaults.TempLimitC = &idleMin, &temp
	settings, err := localapi.OpenSettings(g.settings, defaults)
	if err != nil {
		return err
	}
	gov := governor.New(governor.Options{Policy: settings.Policy(), Gate: nd, Workers: g.workers, Chain: nd, Log: log})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	goRun := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	defer wg.Wait()
	defer cancel()

	if g.apiSocket != "off" {
		ln, err := localapi.Listen(g.apiSocket, -1)
		if err != nil {
			return fmt.Errorf("local API: %w", err)
		}
		srv := &localapi.Server{Node: nd, Governor: gov, Ledger: g.ledger, Settings: settings, OnSettings: gov.SetPolicy, Logs: g.logs, Log: log,
			Access: localapi.Access{Owner: uint32(os.Geteuid()), Group: uint32(os.Getegid()), Writers: g.writers}}
		goRun(func() {
			if err := srv.Serve(ctx, ln); err != nil {
				log.Error("the local API stopped", "err", err)
			}
		})
		log.Info("local API", "socket", g.apiSocket)
	}
	sampler := &gpu.Sampler{Reader: gpu.NewReader(), Period: 500 * time.Millisecond, Ours: g.owns}
	snaps, unsubscribe := sampler.Subscribe()
	defer unsubscribe()
	goRun(func() { _ = sampler.Run(ctx) })
	goRun(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-snaps:
				if len(s.GPUs) > 0 {
					g := s.GPUs[0]
					gov.ReportGPU(&g)
				}
			}
		}
	})
	if g.presence == "local" {
		w := idle.NewWatcher(idle.DefaultSources()...)
		goRun(func() { _ = w.Run(ctx, 250*time.Millisecond, gov.ReportPresence) })
	}
	goRun(func() { _ = gov.Run(ctx, time.Second) })
	return nd.Run(ctx)
}
