// Command hydrogen-tray is Hydrogen's tray icon: a light process that
// starts with the owner's session, watches their presence for the node
// service, and opens the window on demand.
package main

import (
	"os"

	"github.com/hydrogen-network/hydrogen/tray/icon"
)

func main() {
	os.Exit(icon.Main(os.Args[1:]))
}
