// Package app is Hydrogen's desktop window, built with Fyne.
//
// It talks to the daemon only through nodecore/api (a dependency test
// enforces this) and shows only translated text (package i18n). It does
// not import fyne's app driver: the binary's main creates the fyne.App, so
// the screens here can be tested headless with fyne's test package.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/assets"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/hydrogen-network/hydrogen/nodecore/display"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

// ID is the application identifier (preferences, notifications, packaging).
const ID = "network.hydrogen.app"

// Title is the window title. It is the product's name, not translated.
const Title = "Hydrogen"

// Preflight does what comes before a window: it answers --version and
// --help, and checks for a display. When done is true the process should
// exit with code without starting Fyne.
func Preflight(ctx context.Context, args []string, stdout, stderr io.Writer,
	detect func(context.Context) (display.Session, error)) (f Flags, code int, done bool) {
	fs := flag.NewFlagSet("hydrogen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.StringVar(&f.Data, "data", "", "the node's data `directory`, where its API socket is (default: this user's, else the system service's)")
	fs.StringVar(&f.Socket, "socket", "", "the node service's API `socket` (default: the data directory's)")
	fs.StringVar(&f.Tab, "tab", TabDashboard, "the `tab` to open: "+strings.Join(TabNames, ", "))
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: hydrogen [--version] [-socket PATH] [-tab NAME]")
		fmt.Fprintln(fs.Output(), lang.L("Opens the Hydrogen window. The node itself is the daemon: hydrogend --help"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, 0, true
		}
		return f, 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hydrogen: unexpected argument %q\n", fs.Arg(0))
		return f, 2, true
	}
	if *showVersion {
		fmt.Fprint(stdout, version.Get().String())
		return f, 0, true
	}
	if !slices.Contains(TabNames, f.Tab) {
		fmt.Fprintf(stderr, "hydrogen: -tab %q: want one of %s\n", f.Tab, strings.Join(TabNames, ", "))
		return f, 2, true
	}
	if f.Socket == "" && f.Data != "" {
		f.Socket = api.DefaultSocket(f.Data)
	} else if f.Socket == "" {
		f.Socket = api.FindSocket(datadir.Desktop())
	}
	if _, err := detect(ctx); err != nil {
		fmt.Fprintf(stderr, "hydrogen: %s\n%s\n",
			lang.L("Cannot open the Hydrogen window: {{.Reason}}.", map[string]any{"Reason": err.Error()}),
			lang.L("On a computer without a display, run the node with the headless daemon instead: {{.Command}}", map[string]any{"Command": "hydrogend --help"}))
		return f, 1, true
	}
	return f, 0, false
}

// Flags are the window's command line.
type Flags struct {
	Data, Socket, Tab string
}

// DefaultSize is the window's size when it opens: the whole first screen
// fits without scrolling.
var DefaultSize = fyne.NewSize(560, 720)

// TabsSize is the window's size once the tabs show: the task ledger's
// columns fit.
var TabsSize = fyne.NewSize(1000, 760)

// Icon returns the app icon as a Fyne resource.
func Icon() fyne.Resource {
	return fyne.NewStaticResource("hydrogen.png", assets.AppIcon())
}
