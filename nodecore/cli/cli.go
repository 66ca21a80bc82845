// Package cli is the command line of hydrogend, the headless daemon.
//
// The binary's main only calls Run; every command is built here so it can
// be tested with its output captured and its exit code checked.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/peterbourgon/ff/v3/ffcli"
)

// Exit codes of hydrogend.
const (
	ExitOK      = 0 // success
	ExitFailure = 1 // the command ran and failed (doctor: a check failed)
	ExitUsage   = 2 // the command line was wrong
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError ends a command with a code, having printed its own message.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// env is what commands write to; tests capture it.
type env struct {
	stdout, stderr io.Writer
	// usage collects what the flag package prints on -h or a bad flag, so
	// that help goes to stdout and usage errors go to stderr.
	usage bytes.Buffer
}

func (e *env) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&e.usage)
	return fs
}

// Run runs hydrogend with args (without the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	root := e.rootCommand()
	err := root.ParseAndRun(ctx, args)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		io.Copy(stdout, &e.usage)
		return ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "hydrogend: %s\n\n", ue.msg)
		fmt.Fprintln(stderr, ffcli.DefaultUsageFunc(root))
		return ExitUsage
	}
	if e.usage.Len() > 0 { // the flag package rejected the command line
		io.Copy(stderr, &e.usage)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "hydrogend: %v\n", err)
	return ExitFailure
}

func (e *env) rootCommand() *ffcli.Command {
	root := &ffcli.Command{
		Name:       "hydrogend",
		ShortUsage: "hydrogend <command> [flags]",
		ShortHelp:  "The Hydrogen node daemon: hires out this machine's NVIDIA GPU to the Hydrogen network while its owner is away.",
		LongHelp: "Run `hydrogend <command> -h` for the flags of one command.\n" +
			"Exit codes: 0 success, 1 the command failed, 2 the command line was wrong.",
		FlagSet: e.flagSet("hydrogend"),
		Subcommands: []*ffcli.Command{
			e.versionCommand(),
			e.doctorCommand(),
			e.benchCommand(),
			e.deployCommand(),
			e.relayCommand(),
			e.devnetCommand(),
			e.walletCommand(),
			e.runCommand(),
			e.serviceCommand(),
			e.modelsCommand(),
			e.leaveCommand(),
			e.joinCommand(),
			e.accountCommand(),
		},
	}
	root.Exec = func(ctx context.Context, args []string) error {
		if len(args) == 0 {
			fmt.Fprintln(e.stdout, ffcli.DefaultUsageFunc(root))
			return nil
		}
		return usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return root
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(name string, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Sprintf("%s takes no arguments, got %q", name, args)}
	}
	return nil
}
