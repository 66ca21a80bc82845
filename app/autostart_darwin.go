//go:build darwin

package app

import (
	"errors"
	"html"
	"os"
	"path/filepath"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
)

const exeSuffix = ""

// SetAutostart makes the tray start (or not) when the owner logs in: a
// per-user LaunchAgent.
func SetAutostart(on bool) error {
	home, err := os.UserHomeDir()
	if err != nil {
		return err
	}
	p := filepath.Join(home, "Library", "LaunchAgents", "network.hydrogen.tray.plist")
	if !on {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	plist := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>Label</key><string>network.hydrogen.tray</string>
<key>ProgramArguments</key><array><string>` + html.EscapeString(trayPath()) + `</string></array>
<key>RunAtLoad</key><true/>
</dict></plist>
`
	return atomicfile.Write(p, []byte(plist), 0o644)
}
