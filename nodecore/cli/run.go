package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
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
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
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
	apiGroup := fs.Int("api-group", -1, "the local API socket's group `ID`, whose users may read it (default: this user's group)")
	apiWriters := fs.String("api-writers", "", "comma-separated user `IDs` besides root and this user that may control the daemon (e.g. the desktop user's)")
	idleMinutes := fs.Int("idle-minutes", 10, "with -presence local: minutes away before earning starts")
	tempLimit := fs.Uint("temp-limit", 83, "pause at this GPU temperature (°C)")
	demoNet := fs.String("demo-network", "", "the local demo network's `file`, offered by the app's first-run wizard")
	maxFeeGwei := fs.Uint("max-fee-gwei", uint(new(big.Int).Div(chain.DefaultMaxFeePerGas, big.NewInt(1e9)).Uint64()), "the most a transaction may pay per gas, in `gwei`, whatever the RPC endpoint suggests (1 to 100000)")
	mirrorNets := fs.String("mirror-networks", "", "comma-separated private `networks` (CIDR or address) model downloads may reach besides the settings' mirrorNetworks, e.g. 127.0.0.0/8 for a devnet on this machine")
	refTime := fs.Duration("reference-time", 0, "with -engine reference: how long each task takes, as a GPU's inference would (default: at once)")
	powerDir := fs.String("power-supply", power.SysfsDir, "Linux: the power-supply class `directory` read for the battery")
	maxStake := fs.String("max-stake", "", "the most `coins` the node stakes: a network whose registry asks more is refused and nothing is staked (default: 1)")
	payoutDelay := fs.Duration("withdrawal-delay", localapi.DefaultWithdrawalDelay, "how long a change of the withdrawal address waits, shown in the tray, before it applies (1h to 720h)")
	metrics := fs.String("metrics", "", "serve Prometheus metrics on this `address` (e.g. 127.0.0.1:9464; off by default)")
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
			set := map[string]bool{} // the flags given on the command line
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			if *engineName != "reference" && *engineName != "docker" {
				return usageError{fmt.Sprintf("-engine %q: want reference or docker", *engineName)}
			}
			if *refTime < 0 || *refTime > time.Hour {
				return usageError{"-reference-time must be 0 to 1h"}
			}
			if *poll < 10*time.Millisecond {
				return usageError{"-poll must be at least 10ms"}
			}
			if *presence != "none" && *presence != "local" && *presence != "api" {
				return usageError{"-presence is none, api or local"}
			}
			var writers []uint32
			var writerSIDs []string
			for _, f := range strings.FieldsFunc(*apiWriters, func(r rune) bool { return r == ',' }) {
				f = strings.TrimSpace(f)
				if runtime.GOOS == "windows" {
					writerSIDs = append(writerSIDs, f) // checked by the pipe's ACL
					continue
				}
				uid, err := strconv.ParseUint(f, 10, 32)
				if err != nil {
					return usageError{fmt.Sprintf("-api-writers: %q is not a user ID", f)}
				}
				writers = append(writers, uint32(uid))
			}
			if *apiSock == "" {
				*apiSock = api.DefaultSocket(*data)
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
			if *payoutDelay < localapi.MinWithdrawalDelay || *payoutDelay > localapi.MaxWithdrawalDelay {
				return usageError{fmt.Sprintf("-withdrawal-delay must be %s to %s", localapi.MinWithdrawalDelay, localapi.MaxWithdrawalDelay)}
			}
			if *metrics != "" && *apiSock == "off" {
				return usageError{"-metrics needs the local API (-api)"}
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

			if *modelDir == "" {
				*modelDir = filepath.Join(*data, "models")
			}
			if *maxFeeGwei < 1 || *maxFeeGwei > 100_000 {
				return usageError{"-max-fee-gwei must be 1 to 100000"}
			}
			var mirrors []netip.Prefix
			if *mirrorNets != "" {
				var err error
				if mirrors, err = localapi.MirrorPrefixes(strings.Split(*mirrorNets, ",")); err != nil {
					return usageError{"-mirror-networks: " + err.Error()}
				}
			}
			var stakeLimit *big.Int // nil: node.DefaultMaxStake
			if *maxStake != "" {
				var err error
				if stakeLimit, err = coinsFlag("-max-stake", *maxStake, 18); err != nil {
					return err
				}
			}
			d := &daemon{
				data: *data, presence: *presence, idleMinutes: *idleMinutes, tempLimit: uint32(*tempLimit),
				apiSocket: *apiSock, apiGroup: *apiGroup, writers: writers, writerSIDs: writerSIDs, metrics: *metrics, modelDir: *modelDir, logs: ring, log: log,
				power: powerSource(*powerDir), mirrors: mirrors, payoutDelay: *payoutDelay,
				first: newFirstRun(*data, *netFile, *passFile, *demoNet),
			}
			return d.run(ctx, func(ctx context.Context, d *daemon) (*node.Node, func(), error) {
				network, err := chain.LoadNetwork(*netFile)
				if err != nil {
					return nil, nil, err
				}
				if *rpcURL == "" {
					if err := network.CheckIPC(*data); err != nil {
						return nil, nil, err
					}
					*rpcURL = network.RPC
				}
				if *relayURL == "" {
					*relayURL = network.Relay
				}
				if *rpcURL == "" || *relayURL == "" {
					return nil, nil, usageError{"the network file names no RPC or relay endpoint: pass -rpc and -relay"}
				}
				d.rpc, d.networkName = *rpcURL, network.Name
				if _, err := wallet.Address(*data); errors.Is(err, wallet.ErrNoWallet) {
					return nil, nil, fmt.Errorf("no wallet in %s: run `hydrogend wallet create -data %s -passphrase-file FILE` first", *data, *data)
				}
				key, err := wallet.Unlock(*data, *passFile)
				if err != nil {
					return nil, nil, err
				}
				var closers []func()
				closeAll := func() {
					for i := len(closers) - 1; i >= 0; i-- {
						closers[i]()
					}
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
				dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				client, err := chain.Dial(dctx, *rpcURL) // answers bounded
				cancel()
				if err != nil {
					return nil, nil, fmt.Errorf("connect to %s: %w", *rpcURL, err)
				}
				closers = append(closers, client.Close)
				l, err := ledger.Open(filepath.Join(*data, "ledger.db"))
				if err != nil {
					closeAll()
					return nil, nil, err
				}
				closers = append(closers, func() { l.Close() })
				d.ledger = l
				var eng engine.Engine = reference.Engine{Work: *refTime}
				if *engineName == "docker" {
					dk, err := worker.Connect(ctx, *dockerHost)
					if err != nil {
						closeAll()
						return nil, nil, err
					}
					closers = append(closers, func() { dk.Close() })
					if err := os.MkdirAll(*modelDir, 0o755); err != nil {
						closeAll()
						return nil, nil, err
					}
					images, err := engineImages(ctx, dk, *imageEngine, *textEngine, set["image-engine"] || set["text-engine"], log)
					if err != nil {
						closeAll()
						return nil, nil, err
					}
					images.TextModel, images.Owner, images.GPU, images.ModelDir, images.StateDir, images.Log = *textModel, OwnerID(*data), uuid, *modelDir, *data, log
					engines, err := worker.NewEngines(ctx, dk, images)
					if err != nil {
						closeAll()
						return nil, nil, err
					}
					closers = append(closers, func() { engines.Close() })
					eng = engines
					d.setOwns(engines.Owns)
					for _, w := range engines.Workers {
						d.workers = append(d.workers, w)
					}
				}
				catalog, err := network.Catalog()
				if err != nil {
					closeAll()
					return nil, nil, err
				}
				d.models.Catalog = catalog
				cfg := node.Config{
					Backend: client, Network: network, Key: key, RelayURL: *relayURL,
					Engine: eng, Ledger: l, GPUName: name, VRAMMiB: mib,
					Version: node.EngineVersion, Poll: *poll, Log: log,
					Store: d.models, KnownModels: catalog.IDs(), MaxStake: stakeLimit,
					FeeCeiling: new(big.Int).Mul(big.NewInt(int64(*maxFeeGwei)), big.NewInt(1e9)),
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
					closeAll()
					return nil, nil, err
				}
				log.Info("starting the node", "address", nd.Address(), "gpu", name, "vram_mib", mib, "engine", eng.Name(), "rpc", redact.URL(*rpcURL), "relay", redact.URL(*relayURL), "presence", *presence)
				return nd, closeAll, nil
			})
		},
	}
}

// daemon is `hydrogend run`: the local API first (the app's first-run
// wizard talks to it), then, once set up, the node under the hire-out
// policy.
type daemon struct {
	data        string
	presence    string // none, api, local
	idleMinutes int
	tempLimit   uint32
	apiSocket   string // "off": none
	writers     []uint32
	writerSIDs  []string      // Windows
	apiGroup    int           // the socket's group; -1: the daemon's
	metrics     string        // "": none
	payoutDelay time.Duration // before a change of the withdrawal address applies
	modelDir    string
	mirrors     []netip.Prefix  // private networks downloads may reach (-mirror-networks)
	models      *models.Manager // the model store's downloads; its catalog set by build
	power       power.Source    // the battery
	logs        *localapi.LogRing
	log         *slog.Logger
	first       *firstRun

	// Set by the node's constructor.
	rpc, networkName string
	ledger           *ledger.Ledger
	workers          []governor.Releaser

	ownsMu sync.Mutex
	owns   func(uint32) bool // the engine containers' processes
}

func (d *daemon) setOwns(f func(uint32) bool) {
	d.ownsMu.Lock()
	defer d.ownsMu.Unlock()
	d.owns = f
}

// ours reports whether a GPU process is one of this daemon's engines.
func (d *daemon) ours(pid uint32) bool {
	d.ownsMu.Lock()
	defer d.ownsMu.Unlock()
	return d.owns != nil && d.owns(pid)
}

// run serves the local API, waits for the first-run steps if the wallet
// or the network is missing, builds the node with build, and runs it
// under the governor: the GPU sampler and presence (this session's
// watcher, or the tray's reports through the local API) feed the
// governor, which opens and closes the node's gate.
func (d *daemon) run(ctx context.Context, build func(context.Context, *daemon) (*node.Node, func(), error)) error {
	log := d.log
	if d.apiSocket != "off" {
		// The socket lives there; the first run's wizard fills it.
		if err := os.MkdirAll(d.data, 0o700); err != nil {
			return err
		}
	}
	// The command line gives the defaults; the owner's saved settings
	// (changed through the local API) win.
	defaults := localapi.DefaultSettings(d.presence == "none")
	idleMin, temp := d.idleMinutes, d.tempLimit
	defaults.IdleMinutes, defaults.TempLimitC = &idleMin, &temp
	settings, err := localapi.OpenSettings(filepath.Join(d.data, "settings.json"), defaults)
	if err != nil {
		return err
	}
	settings.AllowMirrors(d.mirrors)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	goRun := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	defer wg.Wait()
	defer cancel()

	// The card is sampled from the start: the app shows it during setup.
	var gpuMu sync.Mutex
	var lastGPU *api.GPU
	var gov *governor.Governor // set once the node runs; guarded by gpuMu
	var running *node.Node     // likewise
	sampler := &gpu.Sampler{Reader: gpu.NewReader(), Period: 500 * time.Millisecond, Ours: d.ours}
	snaps, unsubscribe := sampler.Subscribe()
	defer unsubscribe()
	goRun(func() { _ = sampler.Run(ctx) })
	goRun(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-snaps:
				gpuMu.Lock()
				lastGPU = wireGPU(s)
				g := gov
				gpuMu.Unlock()
				if g != nil && len(s.GPUs) > 0 {
					c := s.GPUs[0]
					g.ReportGPU(&c)
				}
			}
		}
	})

	// The model store: scanned (and repaired) at start, its quota the
	// owner's setting.
	store, rep, err := models.Open(d.modelDir, func() int64 {
		if q := settings.Get().QuotaGB; q != nil {
			return int64(*q) << 30
		}
		return 0
	}, log)
	if err != nil {
		return fmt.Errorf("model store %s: %w", d.modelDir, err)
	}
	log.Info("model store", "dir", d.modelDir, "models", rep.Models, "partial", len(rep.Partial), "removed", len(rep.Removed), "adopted", len(rep.Adopted))
	d.models = &models.Manager{Store: store, Settings: settings.Downloads, Log: log}
	var reportMu sync.Mutex
	var reporter func(id string, held bool) // set once the node exists
	store.OnRemoved = func(id, why string) {
		reportMu.Lock()
		r := reporter
		reportMu.Unlock()
		if r != nil {
			goRun(func() { r(id, false) })
		}
	}

	var srv *localapi.Server
	if d.apiSocket != "off" {
		access := localapi.Access{Owner: uint32(os.Geteuid()), Group: uint32(os.Getegid()), Writers: d.writers, Users: d.writerSIDs}
		if d.apiGroup >= 0 {
			access.Group = uint32(d.apiGroup)
		}
		// Withdrawals go only to this address; a change waits payoutDelay.
		payout, err := localapi.OpenWithdrawalAddress(filepath.Join(d.data, "withdrawal-address.json"), d.payoutDelay, log)
		if err != nil {
			return err
		}
		ln, err := localapi.Open(d.apiSocket, access)
		if err != nil {
			return fmt.Errorf("local API: %w", err)
		}
		srv = &localapi.Server{Settings: settings, Logs: d.logs, Log: log, Setup: d.first, Models: store, Downloads: d.models.Downloads, Withdrawal: payout,
			GPU: func() *api.GPU { gpuMu.Lock(); defer gpuMu.Unlock(); return lastGPU },
			OnSettings: func(c policy.Config) {
				d.models.SettingsChanged()
				gpuMu.Lock()
				g, nd := gov, running
				gpuMu.Unlock()
				if g != nil {
					g.SetPolicy(c)
				}
				if nd != nil {
					nd.SetAutoRejoin(autoRejoin(settings))
				}
			},
			Access: access}
		goRun(func() {
			if err := srv.Serve(ctx, ln); err != nil {
				log.Error("the local API stopped", "err", err)
			}
		})
		d.models.OnChange = srv.DownloadsChanged
		log.Info("local API", "socket", d.apiSocket)
		if d.metrics != "" {
			ml, err := net.Listen("tcp", d.metrics)
			if err != nil {
				return fmt.Errorf("metrics: %w", err)
			}
			ms := &http.Server{Handler: srv.Metrics(), ReadHeaderTimeout: 5 * time.Second}
			goRun(func() { _ = ms.Serve(ml) })
			goRun(func() { <-ctx.Done(); ms.Close() })
			log.Info("Prometheus metrics", "address", ml.Addr().String())
		}
	}

	if needs, _ := d.first.needs(); len(needs) > 0 && srv != nil {
		log.Info("waiting for the first-run steps in the Hydrogen app", "needs", needs)
		select {
		case <-ctx.Done():
			return nil
		case <-d.first.started:
		}
	} else {
		_ = d.first.Start(ctx) // set up already (or nothing to wait with): build reports what is missing
	}
	nd, closeAll, err := build(ctx, d)
	if err != nil {
		return err
	}
	defer closeAll()
	if srv != nil {
		srv.RPC, srv.NetworkName = d.rpc, d.networkName
	}
	reportMu.Lock()
	reporter = func(id string, held bool) {
		rctx, cancel := context.WithTimeout(chain.Background(ctx), time.Minute)
		defer cancel()
		if err := nd.ReportModel(rctx, id, held); err != nil && ctx.Err() == nil {
			log.Warn("reporting a model to the network failed", "model", id, "held", held, "err", err)
		}
	}
	reportMu.Unlock()
	g := governor.New(governor.Options{Policy: settings.Policy(), Gate: nd, Workers: d.workers, Chain: nd, Log: log})
	nd.SetAutoRejoin(autoRejoin(settings))
	gpuMu.Lock()
	gov, running = g, nd
	gpuMu.Unlock()
	if srv != nil {
		srv.Attach(nd, g, d.ledger)
	}
	if d.presence == "local" {
		w := idle.NewWatcher(idle.DefaultSources()...)
		goRun(func() { _ = w.Run(ctx, 250*time.Millisecond, g.ReportPresence) })
	}
	// The machine's power source and the task the engine runs feed the
	// policy: pause on battery; let a short task finish when the schedule
	// ends the earning window.
	goRun(func() { power.Watch(ctx, d.power, 2*time.Second, log, g.SetBattery) })
	goRun(func() { feedTask(ctx, nd, g) })
	goRun(func() { _ = g.Run(ctx, time.Second) })
	return nd.Run(ctx)
}

// wireGPU is the first GPU of a sample as the API shows it.
func wireGPU(s gpu.Snapshot) *api.GPU {
	if s.Err != nil {
		return &api.GPU{Error: s.Err.Error()}
	}
	if len(s.GPUs) == 0 {
		return &api.GPU{Error: "no NVIDIA GPU found"}
	}
	g := s.GPUs[0]
	return &api.GPU{Name: g.Name, MemoryTotal: g.MemoryTotal, MemoryUsed: g.MemoryUsed, Utilization: g.Utilization, TempC: g.TemperatureC,
		PowerW: g.PowerW, HasUtil: g.HasUtil, HasTemp: g.HasTemp, HasPower: g.HasPower, HasMemory: g.HasMemoryInfo}
}

// powerSource is the OS's power source; on Linux read from dir.
func powerSource(dir string) power.Source {
	if runtime.GOOS == "linux" {
		return power.Sysfs{Dir: dir}
	}
	return power.OS()
}

// feedTask tells the governor about the task the engine runs: when the
// node's task or phase changes, and every second while one runs (its
// time left shrinks).
func feedTask(ctx context.Context, nd *node.Node, g *governor.Governor) {
	changes := nd.Watch(ctx)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		running, left := nd.RunningTask()
		g.SetTask(policy.Task{Running: running, Left: left})
		select {
		case <-ctx.Done():
			return
		case _, ok := <-changes:
			if !ok {
				return
			}
		case <-t.C:
		}
	}
}

// autoRejoin is the owner's setting (on unless turned off).
func autoRejoin(s *localapi.Settings) bool {
	v := s.Get().AutoRejoin
	return v == nil || *v
}

// engineImages picks the engine images for -engine docker. Named on the
// command line, they are used as they are (pulled when missing). The
// defaults, the real ComfyUI and llama.cpp servers, are built from
// nodecore/worker/images on a machine with a GPU and a registry; when
// they are not on this machine the node says so and runs the labelled
// reference engine's image instead (synthetic output, not inference),
// building it from this source tree when needed. Nothing is pulled for
// the defaults: they are not published.
func engineImages(ctx context.Context, d worker.Docker, image, text string, named bool, log *slog.Logger) (worker.Setup, error) {
	s := worker.Setup{ImageEngine: image, TextEngine: text}
	if named {
		return s, nil
	}
	var missing []string
	for _, img := range []string{image, text} {
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
