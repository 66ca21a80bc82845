package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/hydrogen-network/hydrogen/installer/doctor"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/peterbourgon/ff/v3/ffcli"
)

func (e *env) doctorCommand() *ffcli.Command {
	fs := e.flagSet("doctor")
	dataDir := fs.String("data-dir", datadir.Default(), "the node's data `directory` (env "+datadir.EnvVar+")")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	return &ffcli.Command{
		Name:       "doctor",
		ShortUsage: "hydrogend doctor [-data-dir DIR] [-json]",
		ShortHelp:  "Check that this machine can run a node, and say how to fix what is missing.",
		LongHelp: "Checks the operating system, the NVIDIA driver and GPUs, the Docker engine,\n" +
			"free disk space in the data directory, and whether a display is available.\n" +
			"Exits 1 when a check failed; warnings alone exit 0.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("doctor", args); err != nil {
				return err
			}
			results := doctor.Run(ctx, doctor.Checks(doctor.Real(*dataDir)))
			if *asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				printDoctor(e, results)
			}
			if doctor.Worst(results) == doctor.Failed {
				return exitError{ExitFailure}
			}
			return nil
		},
	}
}

func printDoctor(e *env, results []doctor.Result) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	counts := map[doctor.Status]int{}
	for _, r := range results {
		counts[r.Status]++
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Status, r.Check, r.Detail)
		if r.Fix != "" {
			fmt.Fprintf(tw, "\t\tfix: %s\n", r.Fix)
		}
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\n%d ok, %d warning, %d failed\n",
		counts[doctor.OK], counts[doctor.Warning], counts[doctor.Failed])
}
