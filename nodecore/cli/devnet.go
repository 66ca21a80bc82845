package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/moby/moby/client"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
)

func (e *env) devnetCommand() *ffcli.Command {
	fs := e.flagSet("devnet")
	data := fs.String("data", "", "`directory` for the network file, the relay and the peers' ledgers (default: a temporary one, removed at exit)")
	host := fs.String("host", "127.0.0.1", "`interface` to serve the chain's RPC and the relay on")
	rpcPort := fs.Int("rpc-port", 8545, "the chain's JSON-RPC `port` (HTTP and WebSocket; 0 picks a free one)")
	port := fs.Int("port", 8650, "the relay's and faucet's HTTP `port` (0 picks a free one)")
	peers := fs.Int("peers", devnet.DefaultPeers, "honest peer `nodes` running the reference engine")
	cheaters := fs.Int("cheaters", 0, "peer `nodes` that commit random scores (they get slashed)")
	rate := fs.Float64("rate", 6, "demo `tasks per minute`, image and text in turn (0: none)")
	tasks := fs.Int("tasks", 0, "stop creating tasks after `N` (0: no limit)")
	exitWhenDone := fs.Bool("exit-when-done", false, "exit when the -tasks tasks are settled, printing the summary; exit 1 if anything is inconsistent\n(creates tasks as fast as the peers take them and lets the chain's clock run ahead, unless -rate or -max-lead say otherwise)")
	period := fs.Duration("block-period", devnet.DefaultBlockPeriod, "longest time between blocks (a pending transaction is mined at once)")
	lead := fs.Duration("max-lead", devnet.DefaultMaxLead, "how far the chain's clock may run ahead of the wall clock when busy (a separate node refuses more than 60s)")
	verbose := fs.Bool("v", false, "log every step of the peers and the demo application")
	useDocker := fs.String("docker", "auto", "run the honest peers' engines in worker containers: auto (when a Docker engine answers), on, off")
	return &ffcli.Command{
		Name:       "devnet",
		ShortUsage: "hydrogend devnet [-peers 5] [-cheaters 0] [-rate 6] [-tasks N -exit-when-done]",
		ShortHelp:  "Run a whole Hydrogen network on this machine: chain, contracts, relay, demo application and peers.",
		LongHelp: "Starts an in-process EVM chain served over JSON-RPC (HTTP and WebSocket) on\n" +
			"loopback, deploys the contracts, funds accounts, starts the relay with a faucet,\n" +
			"joins peer nodes that run the reference engine (synthetic output) and a demo\n" +
			"application that creates image and text tasks and checks every result.\n" +
			"It prints the endpoints and writes a network file with which\n" +
			"`hydrogend run -network FILE` joins as one more node (the faucet funds it).",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("devnet", args); err != nil {
				return err
			}
			switch {
			case *peers < 0 || *cheaters < 0 || *peers+*cheaters > 64:
				return usageError{"-peers and -cheaters must be between 0 and 64 together"}
			case *rate < 0 || *rate > 60_000:
				return usageError{"-rate must be between 0 and 60000 tasks a minute"}
			case *tasks < 0:
				return usageError{"-tasks cannot be negative"}
			case *exitWhenDone && *tasks == 0:
				return usageError{"-exit-when-done needs -tasks N"}
			case *period < 10*time.Millisecond || *lead < 0:
				return usageError{"-block-period must be at least 10ms and -max-lead not negative"}
			case *rpcPort < 0 || *rpcPort > 65535 || *port < 0 || *port > 65535:
				return usageError{"ports are between 0 and 65535"}
			case *useDocker != "auto" && *useDocker != "on" && *useDocker != "off":
				return usageError{"-docker is auto, on or off"}
			}
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			if *exitWhenDone {
				// A run to completion is a self-check: unless told
				// otherwise, create tasks as fast as nodes take them and
				// let the chain's clock run ahead (the peers follow it).
				if !set["rate"] {
					*rate = 60_000
				}
				if !set["max-lead"] {
					*lead = time.Hour
				}
			}
			dir := *data
			if dir == "" {
				tmp, err := os.MkdirTemp("", "hydrogen-devnet-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			level := slog.LevelWarn
			if *verbose {
				level = slog.LevelInfo
			}
			log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			var docker worker.Docker
			if *useDocker != "off" {
				dc, err := dockerForDevnet(ctx)
				switch {
				case err == nil:
					defer dc.Close()
					docker = dc
				case *useDocker == "on":
					return err
				default:
					fmt.Fprintf(e.stdout, "engines run in-process (%v)\n", err)
				}
			}
			where := "in-process"
			if docker != nil {
				where = "in Docker worker containers"
			}
			fmt.Fprintf(e.stdout, "starting a devnet: %d peers (engines %s), %d cheaters\n", *peers, where, *cheaters)
			d, err := devnet.Start(ctx, devnet.Config{
				Dir: dir, Host: *host, RPCPort: *rpcPort, HTTPPort: *port,
				Peers: *peers, Cheaters: *cheaters, Rate: *rate, Tasks: *tasks,
				BlockPeriod: *period, MaxLead: *lead, Log: log, Docker: docker,
			})
			if err != nil {
				return err
			}
			defer d.Close()
			fmt.Fprintf(e.stdout, "chain      %d  %s  %s\n", devnet.ChainID, d.Chain.HTTP, d.Chain.WS)
			fmt.Fprintf(e.stdout, "relay      %s\n", d.RelayURL)
			fmt.Fprintf(e.stdout, "faucet     %s\n", d.FaucetURL)
			fmt.Fprintf(e.stdout, "network    %s\n", d.NetworkFile)
			for _, m := range d.Network.Models {
				fmt.Fprintf(e.stdout, "model      %s  %s\n", m.ID, m.Source)
			}
			for _, p := range d.Peers {
				role := "honest, " + p.Engine.Name()
				if p.Cheater {
					role = "cheater, random scores"
				}
				fmt.Fprintf(e.stdout, "peer       %s  %s  (%s)\n", p.Addr, p.Name, role)
			}
			fmt.Fprintf(e.stdout, "\njoin as one more node:\n  hydrogend run -network %s -data DIR\n\n", d.NetworkFile)
			syncOut(e.stdout)

			runErr := d.Run(ctx)
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := d.Summarize(sctx, *exitWhenDone && ctx.Err() == nil)
			if err != nil {
				return err
			}
			s.Write(e.stdout)
			if runErr != nil {
				return runErr
			}
			if *exitWhenDone && ctx.Err() != nil {
				return fmt.Errorf("interrupted before the %d tasks were settled", *tasks)
			}
			if len(s.Problems) > 0 {
				return exitError{ExitFailure}
			}
			return nil
		},
	}
}

// syncOut flushes stdout when it is a file, so that a parent process
// reading the endpoints sees them at once.
func syncOut(w any) {
	if f, ok := w.(*os.File); ok {
		_ = f.Sync()
	}
}

// dockerForDevnet connects to the Docker engine and makes sure the
// reference engine image exists, building it from this source tree when
// it does not.
func dockerForDevnet(ctx context.Context) (*client.Client, error) {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	d, err := worker.Connect(cctx, "")
	cancel()
	if err != nil {
		return nil, err
	}
	if _, err := d.ImageInspect(ctx, refimage.Tag); err != nil {
		if err := refimage.Build(ctx, d); err != nil {
			d.Close()
			return nil, fmt.Errorf("no reference engine image: %w", err)
		}
	}
	return d, nil
}
