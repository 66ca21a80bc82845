package app

import (
	"os"
	"os/exec"
	"path/filepath"
)

// TrayProgram is the tray's executable name; autostart launches it.
const TrayProgram = "hydrogen-tray"

// trayPath finds the tray beside this executable, else on PATH, else
// names it bare.
func trayPath() string {
	name := TrayProgram + exeSuffix
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath(TrayProgram); err == nil {
		return p
	}
	return name
}
