package cli

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/netsim"
)

// networkBenchCommand is `hydrogend bench network`: the network
// simulation on the real contracts, one run per colluding share.
func (e *env) networkBenchCommand() *ffcli.Command {
	fs := e.flagSet("bench network")
	def := netsim.DefaultConfig()
	nodes := fs.Int("nodes", def.Nodes, "registered `nodes`")
	tasks := fs.Int("tasks", def.Tasks, "`tasks` created in each run")
	rate := fs.Float64("rate", def.Rate, "tasks created per second of chain time")
	apps := fs.Int("apps", def.Apps, "honest applications")
	collude := fs.String("collude", "0.10,0.25,0.33", "comma-separated colluding `shares` of the nodes: one run each")
	silent := fs.Bool("silent-minority", false, "colluders without a majority commit junk and stay silent (instead of computing)")
	cheatSeats := fs.Int("cheat-seats", def.CheatSeats, "seats of a task's three the colluders must hold to vote junk (2 or 3)")
	shares := map[netsim.Strategy]*float64{}
	for _, st := range []netsim.Strategy{netsim.Slow, netsim.Flaky, netsim.Lazy, netsim.Copier, netsim.Claimer, netsim.YieldAbuser} {
		shares[st] = fs.Float64(st.String(), def.Shares[st], "share of "+st.String()+" nodes")
	}
	grief := fs.Float64("grief", def.Grief, "share of the tasks created by griefing applications")
	steer := fs.Float64("steer", def.Steer, "share of the tasks created by the steering creator")
	steerWant := fs.Int("steer-want", def.SteerWant, "allies the steering creator wants among a task's three nodes")
	fee := fs.String("fee", "0.001", "an honest application's typical fee, in `coins`")
	compute := fs.String("compute", "0.00005", "what computing one task costs a node, in `coins`")
	gasPrice := fs.String("gas-price", "0.01", "gas price for the profit, in `gwei`")
	dev := fs.Int("max-deviation", def.MaxDeviation, "most `bits` one GPU model's image departs from the reference (noise model)")
	textDiverge := fs.Float64("text-diverge", def.TextDiverge, "chance that a GPU model writes different text for a task")
	timeout := fs.Uint("timeout", uint(def.Timeout), "`seconds` a task gives its nodes to commit")
	respawn := fs.Bool("respawn", def.Respawn, "replace removed dishonest identities with new ones and a new stake")
	keeper := fs.Bool("keeper", def.Keeper, "honest members draw every draw in the block its round is read, as the product's nodes do (-keeper=false: creators and seats draw when they like)")
	seed := fs.Uint64("seed", def.Seed, "random `seed` of the scripted behaviour")
	out := fs.String("out", ".", "`directory` for network.txt (the tables) and network.png (the chart)")
	verbose := fs.Bool("v", false, "progress lines, and the first of each kind of reverted transaction")
	return &ffcli.Command{
		Name:       "network",
		ShortUsage: "hydrogend bench network [-nodes 1000] [-tasks 10000] [-collude 0.10,0.25,0.33] [flags]",
		ShortHelp:  "Play 1,000 nodes and 10,000 tasks of every strategy on the real contracts; print each strategy's profit.",
		LongHelp: "Deploys the protocol on an in-process chain (plain Osaka rules), registers\n" +
			"the nodes with their strategies (honest, slow, flaky, lazy, copier, claimer,\n" +
			"colluder, yield-abuser) and has honest, griefing and steering applications\n" +
			"create tasks; every protocol step is a real transaction. Prints, per\n" +
			"strategy, seats, payments, slashes, stake lost, fees and the net profit per\n" +
			"node per 1,000 tasks against honest nodes, with tasks' outcomes and gas;\n" +
			"writes the tables to network.txt and the cumulative profit to network.png.\n" +
			"Exits 1 when a dishonest strategy earns as much as honest nodes, an honest\n" +
			"node is slashed by noise, a task never ends, or the books differ from the\n" +
			"chain's balances.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench network", args); err != nil {
				return err
			}
			cfg := def
			cfg.Nodes, cfg.Tasks, cfg.Rate, cfg.Apps = *nodes, *tasks, *rate, *apps
			cfg.SilentMinority, cfg.CheatSeats, cfg.Grief, cfg.Steer, cfg.SteerWant = *silent, *cheatSeats, *grief, *steer, *steerWant
			for st, v := range shares {
				cfg.Shares[st] = *v
			}
			var err error
			if cfg.Fee, err = coinsFlag("-fee", *fee, 18); err != nil {
				return err
			}
			if cfg.Compute, err = coinsFlag("-compute", *compute, 18); err != nil {
				return err
			}
			if cfg.GasPrice, err = coinsFlag("-gas-price", *gasPrice, 9); err != nil {
				return err
			}
			if *timeout > 1<<32-1 {
				return usageError{"-timeout is too long"}
			}
			cfg.MaxDeviation, cfg.TextDiverge, cfg.Timeout, cfg.Respawn, cfg.Seed = *dev, *textDiverge, uint32(*timeout), *respawn, *seed
			cfg.Verbose, cfg.Keeper = *verbose, *keeper
			if *verbose {
				cfg.Progress = e.stderr
			}
			var runs []float64
			for _, f := range strings.Split(*collude, ",") {
				v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
				if err != nil || v < 0 || v >= 1 {
					return usageError{fmt.Sprintf("-collude: %q is not a share between 0 and 1", f)}
				}
				runs = append(runs, v)
			}
			for _, f := range runs {
				c := cfg
				c.Shares[netsim.Colluder] = f
				if err := c.Validate(); err != nil {
					return usageError{err.Error()}
				}
			}
			if err := os.MkdirAll(*out, 0o755); err != nil {
				return err
			}
			var text strings.Builder
			w := io.MultiWriter(e.stdout, &text)
			var reps []*netsim.Report
			failed := false
			for i, f := range runs {
				c := cfg
				c.Shares[netsim.Colluder] = f
				c.Seed = cfg.Seed + uint64(i)
				rep, err := netsim.Run(ctx, c)
				if err != nil {
					return err
				}
				if i > 0 {
					fmt.Fprintln(w)
				}
				rep.Write(w)
				for _, p := range rep.Problems() {
					fmt.Fprintf(w, "problem: %s\n", p)
					failed = true
				}
				reps = append(reps, rep)
			}
			if err := atomicfile.Write(filepath.Join(*out, "network.txt"), []byte(text.String()), 0o644); err != nil {
				return err
			}
			png, err := netsim.Chart(reps)
			if err != nil {
				return err
			}
			if err := atomicfile.Write(filepath.Join(*out, "network.png"), png, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "\nwrote %s and %s\n", filepath.Join(*out, "network.txt"), filepath.Join(*out, "network.png"))
			if failed {
				return exitError{ExitFailure}
			}
			return nil
		},
	}
}

// coinsFlag reads a decimal amount as an integer of 10^-decimals units.
func coinsFlag(name, v string, decimals int) (*big.Int, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(v))
	if !ok || r.Sign() < 0 {
		return nil, usageError{fmt.Sprintf("%s: %q is not an amount", name, v)}
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)))
	if !r.IsInt() {
		return nil, usageError{fmt.Sprintf("%s: %q has more than %d decimals", name, v, decimals)}
	}
	return new(big.Int).Set(r.Num()), nil
}
