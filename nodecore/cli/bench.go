package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/chain/gasbench"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/presencebench"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/handbench"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/models/modelbench"
)

func (e *env) benchCommand() *ffcli.Command {
	fs := e.flagSet("bench gas")
	sizes := fs.String("nodes", "10,100,1000", "comma-separated network `sizes` to measure selection at")
	tasks := fs.Int("tasks", 15, "tasks run at each size (the median is reported)")
	gas := &ffcli.Command{
		Name:       "gas",
		ShortUsage: "hydrogend bench gas [-nodes 10,100,1000] [-tasks 15]",
		ShortHelp:  "Measure the protocol's gas on an in-process chain (plain Osaka rules).",
		LongHelp: "Deploys the contracts on a simulated chain, joins nodes, runs honest 3-node\n" +
			"tasks and prints the gas of each step (the draw selects the nodes), of an\n" +
			"audit amortised at the deployed rate, and of the draw as the network grows.\n" +
			"Exits 1 when a task costs more than the budget or selection grows more than\n" +
			"allowed.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench gas", args); err != nil {
				return err
			}
			var ns []int
			for _, s := range strings.Split(*sizes, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || n < 3 || n > 100_000 {
					return usageError{fmt.Sprintf("-nodes: %q is not a size between 3 and 100000", s)}
				}
				ns = append(ns, n)
			}
			if *tasks < 1 || *tasks > 1000 {
				return usageError{"-tasks must be between 1 and 1000"}
			}
			rep, err := gasbench.Run(ctx, ns, *tasks)
			if err != nil {
				return err
			}
			rep.Write(e.stdout)
			if rep.PerTask() > gasbench.TaskBudget || rep.Growth() > gasbench.MaxSelectionGrowth {
				fmt.Fprintln(e.stderr, "hydrogend: over the gas targets")
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	nfs := e.flagSet("bench node")
	ntasks := nfs.Int("tasks", 40, "tasks to run (image and text in turn)")
	nodeBench := &ffcli.Command{
		Name:       "node",
		ShortUsage: "hydrogend bench node [-tasks 40]",
		ShortHelp:  "Measure the node's own time per task on a devnet (engine and block waits excluded).",
		LongHelp: "Starts a devnet with three peers, runs tasks one after another and prints the\n" +
			"median and 99th percentile of each peer's time on a task, split into its own\n" +
			"overhead (RPC, signing, relay transfers, scoring, ledger writes), the engine,\n" +
			"and the waits for blocks and for the arguments. Exits 1 when the median\n" +
			"overhead is over the target.",
		FlagSet: nfs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench node", args); err != nil {
				return err
			}
			if *ntasks < 1 || *ntasks > 10_000 {
				return usageError{"-tasks must be between 1 and 10000"}
			}
			rep, err := devnet.Bench(ctx, *ntasks, nil)
			if err != nil {
				return err
			}
			rep.Write(e.stdout)
			if rep.Overhead.Median > devnet.OverheadTarget {
				fmt.Fprintln(e.stderr, "hydrogend: the node's overhead is over the target")
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	hfs := e.flagSet("bench handback")
	hruns := hfs.Int("runs", 20, "hand-backs to measure")
	rebuild := hfs.Bool("rebuild", false, "rebuild the reference engine image first (needs the Go toolchain and this source tree)")
	dockerHost := hfs.String("docker-host", "", "Docker engine `URL` (default: $DOCKER_HOST or the local socket)")
	handback := &ffcli.Command{
		Name:       "handback",
		ShortUsage: "hydrogend bench handback [-runs 20]",
		ShortHelp:  "Measure how fast the worker gives the GPU back (Release until the container is gone).",
		LongHelp: "Runs the reference engine in a container (built from this source tree when\n" +
			"missing), starts a long job, releases the worker and times it until the\n" +
			"container no longer exists; repeats and prints median and p99. Exits 1 when\n" +
			"the p99 is over the target.",
		FlagSet: hfs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench handback", args); err != nil {
				return err
			}
			if *hruns < 1 || *hruns > 1000 {
				return usageError{"-runs must be between 1 and 1000"}
			}
			d, err := worker.Connect(ctx, *dockerHost)
			if err != nil {
				return err
			}
			defer d.Close()
			rep, err := handbench.Run(ctx, d, *hruns, *rebuild)
			if err != nil {
				return err
			}
			rep.Write(e.stdout)
			if rep.P99 > handbench.Target {
				fmt.Fprintln(e.stderr, "hydrogend: the hand-back is over the target")
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	pfs := e.flagSet("bench presence")
	psamples := pfs.Int("samples", 200, "samples of each kind for the CPU cost")
	ptrials := pfs.Int("trials", 20, "input events for the latency")
	pperiod := pfs.Duration("period", 100*time.Millisecond, "the watcher's sampling period")
	presence := &ffcli.Command{
		Name:       "presence",
		ShortUsage: "hydrogend bench presence [-samples 200] [-trials 20] [-period 100ms]",
		ShortHelp:  "Measure presence and GPU sampling cost and the input-to-pause latency (needs an X display and xdotool).",
		FlagSet:    pfs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench presence", args); err != nil {
				return err
			}
			if *psamples < 1 || *ptrials < 1 || *pperiod < time.Millisecond {
				return usageError{"-samples and -trials must be positive and -period at least 1ms"}
			}
			rep, err := presencebench.Run(ctx, *psamples, *ptrials, *pperiod)
			if err != nil {
				return err
			}
			rep.Write(e.stdout)
			if rep.P99 > presencebench.LatencyTarget {
				fmt.Fprintln(e.stderr, "hydrogend: the input-to-pause latency is over the target")
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	return &ffcli.Command{
		Name:        "bench",
		ShortUsage:  "hydrogend bench <gas|network|node|handback|presence|footprint|models|soak>",
		ShortHelp:   "Benchmarks that print a table.",
		FlagSet:     e.flagSet("bench"),
		Subcommands: []*ffcli.Command{gas, e.networkBenchCommand(), nodeBench, handback, presence, e.footprintCommand(), e.modelsBenchCommand(), e.soakCommand()},
		Exec: func(context.Context, []string) error {
			return usageError{"bench needs a benchmark: gas, network, node, handback, presence, footprint, models or soak"}
		},
	}
}

func (e *env) modelsBenchCommand() *ffcli.Command {
	fs := e.flagSet("bench models")
	size := fs.Int("mib", 256, "the test file's size in `MiB`")
	runs := fs.Int("runs", 3, "runs of each measurement (the median is reported)")
	return &ffcli.Command{
		Name:       "models",
		ShortUsage: "hydrogend bench models [-mib 256] [-runs 3]",
		ShortHelp:  "Measure model downloads over loopback (one range vs parallel ranges) and sha256 speed.",
		FlagSet:    fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench models", args); err != nil {
				return err
			}
			if *size < 1 || *size > 8192 || *runs < 1 || *runs > 100 {
				return usageError{"-mib must be 1 to 8192 and -runs 1 to 100"}
			}
			rows, err := modelbench.Run(ctx, int64(*size)<<20, *runs)
			if err != nil {
				return err
			}
			modelbench.Write(e.stdout, int64(*size)<<20, rows)
			return nil
		},
	}
}
