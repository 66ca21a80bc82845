// Package datadir says where the daemon keeps its state: the wallet,
// the ledger, the model cache and its settings.
package datadir

import (
	"os"
	"path/filepath"
	"runtime"
)

// EnvVar overrides the default data directory.
const EnvVar = "HYDROGEN_DATA_DIR"

// Default returns the data directory for this user on this platform.
//
//   - Linux as root (the system service): /var/lib/hydrogen
//   - Linux as a user: $XDG_DATA_HOME/hydrogen, else ~/.local/share/hydrogen
//   - Windows: %ProgramData%\Hydrogen (the service runs as LocalSystem)
//   - macOS: /Library/Application Support/Hydrogen as root, else the
//     user's ~/Library/Application Support/Hydrogen
//
// $HYDROGEN_DATA_DIR wins over all of them.
func Default() string {
	home, _ := os.UserHomeDir()
	return resolve(runtime.GOOS, os.Geteuid() == 0, home, os.Getenv)
}

func resolve(goos string, root bool, home string, getenv func(string) string) string {
	if d := getenv(EnvVar); d != "" {
		return d
	}
	switch goos {
	case "windows":
		if pd := getenv("ProgramData"); pd != "" {
			return filepath.Join(pd, "Hydrogen")
		}
		return filepath.Join(`C:\ProgramData`, "Hydrogen")
	case "darwin":
		if root {
			return "/Library/Application Support/Hydrogen"
		}
		return filepath.Join(home, "Library", "Application Support", "Hydrogen")
	}
	if root {
		return "/var/lib/hydrogen"
	}
	if x := getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "hydrogen")
	}
	return filepath.Join(home, ".local", "share", "hydrogen")
}

// System is the data directory of the system service (as root).
func System() string {
	home, _ := os.UserHomeDir()
	return resolve(runtime.GOOS, true, home, os.Getenv)
}

// Desktop lists where the desktop app looks for a daemon, in order: this
// user's data directory (portable mode, or a daemon run by hand), then
// the system service's.
func Desktop() []string {
	d, s := Default(), System()
	if d == s {
		return []string{d}
	}
	return []string{d, s}
}
