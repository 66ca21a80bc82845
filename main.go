// Command hydrogen is Hydrogen's desktop window. The node itself runs in
// the daemon, hydrogend; this binary only shows it, and closes entirely
// when the owner closes the window.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/hydrogen-network/hydrogen/app"
	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/display"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

func main() {
	if err := i18n.Load(); err != nil {
		fmt.Fprintln(os.Stderr, "hydrogen:", err) // English still works
	}
	f, code, done := app.Preflight(context.Background(), os.Args[1:], os.Stdout, os.Stderr, display.Detect)
	if done {
		os.Exit(code)
	}
	client := &api.Client{Socket: f.Socket}
	// The owner's language, when they chose one in Settings.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	if s, err := client.Settings(ctx); err == nil && s.Language != nil && *s.Language != "" {
		os.Setenv("LANGUAGE", *s.Language)
		if err := i18n.Load(); err != nil {
			fmt.Fprintln(os.Stderr, "hydrogen:", err)
		}
	}
	cancel()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := fyneapp.NewWithID(app.ID)
	w := app.NewMainWindow(a, version.Get(), app.Options{Client: client, Tab: f.Tab})
	w.SetMaster() // closing the window ends the process
	w.Run(ctx)
	go func() {
		<-ctx.Done()
		a.Quit()
	}()
	w.ShowAndRun()
}
