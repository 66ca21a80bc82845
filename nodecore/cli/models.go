package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
)

// apiCommand is a command that talks to the running daemon's local API
// (found from -data or -socket, else the desktop's default), with a
// time limit.
func (e *env) apiCommand(full, usage, help string, limit time.Duration, do func(ctx context.Context, c *api.Client, args []string) error) *ffcli.Command {
	fs := e.flagSet(full)
	data := fs.String("data", "", "the daemon's data `directory` (default: this user's, else the system service's)")
	sock := fs.String("socket", "", "the local API `socket` (default: the data directory's)")
	name := full[strings.LastIndexByte(full, ' ')+1:]
	return &ffcli.Command{
		Name: name, ShortUsage: "hydrogend " + full + " [-data DIR | -socket PATH]" + usage, ShortHelp: help, FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			switch {
			case *sock != "":
			case *data != "":
				*sock = api.DefaultSocket(*data)
			default:
				*sock = api.FindSocket(datadir.Desktop())
			}
			ctx, cancel := context.WithTimeout(ctx, limit)
			defer cancel()
			err := do(ctx, &api.Client{Socket: *sock}, args)
			var ae *api.Error
			var ne net.Error
			var op *net.OpError
			if err != nil && !errors.As(err, &ae) && (errors.As(err, &op) || errors.As(err, &ne)) {
				return fmt.Errorf("the node does not answer on %s: is `hydrogend run` (or the service) running? (%w)", *sock, err)
			}
			return err
		},
	}
}

// modelsCommand is `hydrogend models`: the running daemon's model store,
// through its local API, for rigs without the desktop app.
func (e *env) modelsCommand() *ffcli.Command {
	sub := func(name, usage, help string, do func(ctx context.Context, c *api.Client, args []string) error) *ffcli.Command {
		return e.apiCommand("models "+name, usage, help, 15*time.Second, do)
	}
	list := sub("list", "", "List the models this node holds, the storage used, and the downloads.",
		func(ctx context.Context, c *api.Client, args []string) error {
			if err := noArgs("models list", args); err != nil {
				return err
			}
			ms, err := c.Models(ctx)
			if err != nil {
				return err
			}
			e.printModels(ms, time.Now())
			return nil
		})
	rm := sub("rm", " ID...", "Delete models from the store (not one a task is using). The network is told.",
		func(ctx context.Context, c *api.Client, args []string) error {
			if len(args) == 0 {
				return usageError{"models rm needs the IDs of the models to delete"}
			}
			for _, id := range args {
				if err := c.DeleteModel(ctx, id); err != nil {
					return fmt.Errorf("%s: %w", id, err)
				}
				fmt.Fprintf(e.stdout, "deleted %s\n", id)
			}
			return nil
		})
	quota := sub("quota", " [GB]", "Show the storage quota, or set it (a smaller one evicts the least recently used models at once).",
		func(ctx context.Context, c *api.Client, args []string) error {
			if len(args) > 1 {
				return usageError{"models quota takes at most one number of GB"}
			}
			if len(args) == 1 {
				gb, err := strconv.Atoi(args[0])
				if err != nil {
					return usageError{fmt.Sprintf("%q is not a whole number of GB", args[0])}
				}
				if _, err := c.PatchSettings(ctx, api.Settings{QuotaGB: &gb}); err != nil {
					return err
				}
			}
			ms, err := c.Models(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s used of a %s quota\n", size(ms.UsedBytes), size(ms.QuotaBytes))
			return nil
		})
	return &ffcli.Command{
		Name:        "models",
		ShortUsage:  "hydrogend models <list|rm|quota> [flags]",
		ShortHelp:   "The running node's models: list them and the downloads, delete, set the quota.",
		FlagSet:     e.flagSet("models"),
		Subcommands: []*ffcli.Command{list, rm, quota},
		Exec: func(context.Context, []string) error {
			return usageError{"models needs a subcommand: list, rm or quota"}
		},
	}
}

func (e *env) printModels(ms api.Models, now time.Time) {
	fmt.Fprintf(e.stdout, "%s used of %s, in %s\n\n", size(ms.UsedBytes), size(ms.QuotaBytes), ms.Dir)
	w := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "MODEL\tSIZE\tLAST USED\tTASKS\t")
	for _, m := range ms.Models {
		last := "never"
		if !m.LastUsed.IsZero() {
			last = now.Sub(m.LastUsed).Round(time.Second).String() + " ago"
		}
		if m.InUse {
			last += " (in use)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t\n", m.ID, size(m.Bytes), last, m.Tasks)
	}
	if len(ms.Models) == 0 {
		fmt.Fprintln(w, "(none yet: the network tells the node which to download)\t\t\t\t")
	}
	w.Flush()
	if len(ms.Downloads) == 0 {
		return
	}
	fmt.Fprintln(e.stdout)
	w = tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "DOWNLOAD\tSTATE\tPROGRESS\t")
	for _, d := range ms.Downloads {
		progress := size(d.Done)
		if d.Total > 0 {
			progress += fmt.Sprintf(" of %s (%d%%)", size(d.Total), 100*d.Done/d.Total)
		}
		if d.State == api.DownloadRunning && d.Rate > 0 {
			progress += fmt.Sprintf(", %s/s", size(int64(d.Rate)))
		}
		if d.Error != "" {
			progress = d.Error
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t\n", d.ID, d.State, progress)
	}
	w.Flush()
}

// size writes bytes in MiB or GiB.
func size(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}
