package icon

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

// Main is the tray program: hydrogen-tray [flags]. It returns the exit code.
func Main(args []string) int {
	fs := flag.NewFlagSet("hydrogen-tray", flag.ContinueOnError)
	data := fs.String("data", "", "the node's data `directory` (default: this user's; portable mode keeps the node there)")
	socket := fs.String("socket", "", "the node service's API `socket` (default: the data directory's)")
	portable := fs.Bool("portable", false, "start the node service as a child when none runs, and stop it on quit")
	daemonArgs := fs.String("daemon-args", "", "extra `arguments` for hydrogend run in portable mode, space-separated")
	noPresence := fs.Bool("no-presence", false, "do not report the owner's presence")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Print(version.Get().String())
		return 0
	}
	if err := i18n.Load(); err != nil {
		fmt.Fprintln(os.Stderr, "hydrogen-tray:", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	switch {
	case *socket != "":
	case *data != "" || *portable:
		if *data == "" {
			*data = datadir.Default()
		}
		*socket = api.DefaultSocket(*data)
	default:
		*socket = api.FindSocket(datadir.Desktop()) // this user's daemon, else the system service
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	client := &api.Client{Socket: *socket}

	var daemon *Daemon
	if *portable {
		path, err := Find("hydrogend")
		if err != nil {
			log.Error("portable mode: hydrogend not found", "err", err)
			return 1
		}
		args := append([]string{"run", "-data", *data, "-api", *socket, "-presence", "api"}, strings.Fields(*daemonArgs)...)
		if daemon, err = StartDaemon(ctx, client, path, args, os.Stderr, log); err != nil {
			log.Error("portable mode: cannot start hydrogend", "err", err)
			return 1
		}
	}
	win := &Window{Args: []string{"-socket", *socket}}
	if p, err := Find("hydrogen"); err == nil {
		win.Path = p
	} else {
		log.Warn("the Hydrogen window program is not installed", "err", err)
	}
	opts := Options{Client: client, Log: log, OpenWindow: func() error {
		if win.Path == "" {
			return fmt.Errorf("the window program is not installed")
		}
		return win.Open()
	}}
	if !*noPresence {
		opts.Watcher = idle.NewWatcher(idle.DefaultSources()...)
	}
	Run(ctx, opts)
	if daemon != nil {
		win.Close() // its node stops too: the window would only say so
	}
	if err := daemon.Stop(); err != nil {
		log.Warn("stopping hydrogend", "err", err)
	}
	return 0
}
