//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
)

const exeSuffix = ""

// autostartFile is the XDG autostart entry for the tray.
func autostartFile() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", "network.hydrogen.tray.desktop"), nil
}

// SetAutostart makes the tray start (or not) when the owner logs in.
func SetAutostart(on bool) error {
	p, err := autostartFile()
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	entry := "[Desktop Entry]\nType=Application\nName=Hydrogen\nComment=Earn with your GPU while you are away\n" +
		"Exec=\"" + trayPath() + "\"\nIcon=network.hydrogen.app\nX-GNOME-Autostart-enabled=true\nNoDisplay=false\n"
	return atomicfile.Write(p, []byte(entry), 0o644)
}
