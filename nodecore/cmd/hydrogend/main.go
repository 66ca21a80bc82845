// Command hydrogend is the Hydrogen node daemon and its command line. It
// links no graphics library, so it runs on a headless server.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hydrogen-network/hydrogen/nodecore/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
