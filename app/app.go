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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/assets"
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
	detect func(context.Context) (display.Session, error)) (code int, done bool) {
	fs := flag.NewFlagSet("hydrogen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: hydrogen [--version]")
		fmt.Fprintln(fs.Output(), lang.L("Opens the Hydrogen window. The node itself is the daemon: hydrogend --help"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hydrogen: unexpected argument %q\n", fs.Arg(0))
		return 2, true
	}
	if *showVersion {
		fmt.Fprint(stdout, version.Get().String())
		return 0, true
	}
	if _, err := detect(ctx); err != nil {
		fmt.Fprintf(stderr, "hydrogen: %s\n%s\n",
			lang.L("Cannot open the Hydrogen window: {{.Reason}}.", map[string]any{"Reason": err.Error()}),
			lang.L("On a computer without a display, run the node with the headless daemon instead: {{.Command}}", map[string]any{"Command": "hydrogend --help"}))
		return 1, true
	}
	return 0, false
}

// DefaultSize is the window's size when it opens: the whole first screen
// fits without scrolling.
var DefaultSize = fyne.NewSize(560, 720)

// Icon returns the app icon as a Fyne resource.
func Icon() fyne.Resource {
	return fyne.NewStaticResource("hydrogen.png", assets.AppIcon())
}

// NewMainWindow creates the main window on a: titled, with the icon and
// the first screen. The caller shows it.
func NewMainWindow(a fyne.App, info version.Info) fyne.Window {
	a.SetIcon(Icon())
	w := a.NewWindow(Title)
	w.SetIcon(Icon())
	w.SetContent(FirstScreen(info))
	w.Resize(DefaultSize)
	return w
}
