package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/soak"
)

func (e *env) soakCommand() *ffcli.Command {
	fs := e.flagSet("bench soak")
	tasks := fs.Int("tasks", 100, "tasks to run, one after another (image and text in turn)")
	killRate := fs.Float64("kill-rate", 0.3, "share of tasks during which the node is killed with SIGKILL")
	cut := fs.Duration("cut", 30*time.Second, "how long the RPC endpoint, then the relay, are cut off (0: never)")
	dir := fs.String("dir", "", "`directory` for the devnet, the node's data and its log (default: a temporary one, removed after a pass)")
	seed := fs.Uint64("seed", 1, "random `seed` of the kills")
	dockerdBin := fs.String("dockerd", "", "a dockerd `binary`: run the node's engines in Docker on a private engine, restarted halfway in the middle of a task (needs root)")
	verbose := fs.Bool("v", false, "log the soak's progress")
	return &ffcli.Command{
		Name:       "soak",
		ShortUsage: "hydrogend bench soak [-tasks 100] [-kill-rate 0.3] [-cut 30s] [-dockerd PATH] [-dir DIR]",
		ShortHelp:  "Kill a real node at random over many devnet tasks, cut its RPC and relay; check its books.",
		LongHelp: "Starts a devnet with two peers and runs this binary as a third node (`hydrogend\n" +
			"run`), reaching the chain and the relay through proxies. Over the tasks it\n" +
			"kills the node with SIGKILL at random moments and restarts it, and cuts the\n" +
			"RPC endpoint and then the relay off for -cut; with -dockerd its engines run\n" +
			"in Docker on an engine of its own, restarted halfway. Prints tasks, restarts, honest\n" +
			"slashes, the ledger's difference from the chain in wei and stuck tasks;\n" +
			"exits 1 unless the last three are 0 and every result checks.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench soak", args); err != nil {
				return err
			}
			if *tasks < 1 || *tasks > 100_000 {
				return usageError{"-tasks must be between 1 and 100000"}
			}
			if *killRate < 0 || *killRate > 1 {
				return usageError{"-kill-rate is a share, 0 to 1"}
			}
			if *cut < 0 || *cut > time.Hour {
				return usageError{"-cut must be 0 to 1h"}
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			d, keep := *dir, *dir != ""
			if !keep {
				if d, err = os.MkdirTemp("", "hydrogen-soak-"); err != nil {
					return err
				}
			}
			log := slog.New(slog.DiscardHandler)
			if *verbose {
				log = slog.New(slog.NewTextHandler(e.stderr, nil))
			}
			rep, err := soak.Run(ctx, soak.Config{Exe: exe, Dir: d, Tasks: *tasks, KillRate: *killRate, Cut: *cut, Seed: *seed, Dockerd: *dockerdBin, Scrypt: scryptParams(), Log: log})
			if err != nil {
				fmt.Fprintf(e.stderr, "hydrogend: the soak stopped: %v (its files: %s)\n", err, d)
				return exitError{ExitFailure}
			}
			rep.Write(e.stdout)
			if rep.Failed() {
				fmt.Fprintf(e.stderr, "hydrogend: the soak failed; the node's log: %s\n", d)
				for _, l := range soak.LastLines(d, 20) {
					fmt.Fprintln(e.stderr, "  "+l)
				}
				return exitError{ExitFailure}
			}
			if !keep {
				os.RemoveAll(d)
			}
			return nil
		},
	}
}
