package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/daemon"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/hydrogen-network/hydrogen/nodecore/localapi"
	"github.com/hydrogen-network/hydrogen/nodecore/power"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
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

			if *maxFeeGwei < 1 || *maxFeeGwei > 100_000 {
				return usageError{"-max-fee-gwei must be 1 to 100000"}
			}
			var mirrors []netip.Prefix
			if *mirrorNets != "" {
				var err error
				if mirrors, err = settings.MirrorPrefixes(strings.Split(*mirrorNets, ",")); err != nil {
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
			cfg := daemon.Config{
				DataDir: *data, NetworkFile: *netFile, PassphraseFile: *passFile, DemoNetwork: *demoNet,
				RPC: *rpcURL, Relay: *relayURL, Scrypt: scryptParams(),
				Engine: daemon.EngineConfig{Kind: *engineName, Work: *refTime, ImageEngine: *imageEngine, TextEngine: *textEngine, TextModel: *textModel,
					DockerHost: *dockerHost, Named: set["image-engine"] || set["text-engine"]},
				ModelDir: *modelDir, Mirrors: mirrors, GPUName: *gpuName, VRAMMiB: uint32(*vram),
				Poll: *poll, Presence: *presence, IdleMinutes: *idleMinutes, TempLimitC: uint32(*tempLimit), Power: powerSource(*powerDir),
				API:        daemon.API{Group: *apiGroup, Writers: writers, WriterSIDs: writerSIDs, Metrics: *metrics, WithdrawalDelay: *payoutDelay},
				FeeCeiling: new(big.Int).Mul(big.NewInt(int64(*maxFeeGwei)), big.NewInt(1e9)), MaxStake: stakeLimit,
				Logs: ring, Log: log,
			}
			if *apiSock != "off" {
				cfg.API.Socket = *apiSock
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
			err := daemon.Run(ctx, cfg)
			if errors.Is(err, daemon.ErrNoEndpoints) {
				return usageError{err.Error()}
			}
			return err
		},
	}
}

// powerSource is the OS's power source; on Linux read from dir.
func powerSource(dir string) power.Source {
	if runtime.GOOS == "linux" {
		return power.Sysfs{Dir: dir}
	}
	return power.OS()
}
