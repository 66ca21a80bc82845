package cli

import (
	"context"
	"fmt"

	"github.com/hydrogen-network/hydrogen/nodecore/version"
	"github.com/peterbourgon/ff/v3/ffcli"
)

func (e *env) versionCommand() *ffcli.Command {
	return &ffcli.Command{
		Name:       "version",
		ShortUsage: "hydrogend version",
		ShortHelp:  "Print the version, commit and Go version of this build.",
		FlagSet:    e.flagSet("version"),
		Exec: func(_ context.Context, args []string) error {
			if err := noArgs("version", args); err != nil {
				return err
			}
			fmt.Fprint(e.stdout, version.Get().String())
			return nil
		},
	}
}
