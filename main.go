// Command hydrogen is Hydrogen's desktop window. The node itself runs in
// the daemon, hydrogend; this binary only shows it.
package main

import (
	"context"
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/hydrogen-network/hydrogen/app"
	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/display"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

func main() {
	if err := i18n.Load(); err != nil {
		fmt.Fprintln(os.Stderr, "hydrogen:", err) // English still works
	}
	if code, done := app.Preflight(context.Background(), os.Args[1:], os.Stdout, os.Stderr, display.Detect); done {
		os.Exit(code)
	}
	app.NewMainWindow(fyneapp.NewWithID(app.ID), version.Get()).ShowAndRun()
}
