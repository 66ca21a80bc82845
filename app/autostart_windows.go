//go:build windows

package app

import (
	"errors"

	"golang.org/x/sys/windows/registry"
)

const exeSuffix = ".exe"

// SetAutostart makes the tray start (or not) when the owner logs in: the
// user's Run key.
func SetAutostart(on bool) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Run`, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue("Hydrogen"); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return err
		}
		return nil
	}
	return k.SetStringValue("Hydrogen", `"`+trayPath()+`"`)
}
