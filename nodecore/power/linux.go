package power

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SysfsDir is where Linux lists the power supplies.
const SysfsDir = "/sys/class/power_supply"

// Sysfs reads Linux's power-supply class (any OS can parse one; only
// Linux has it). The machine is on battery when it has a battery and no
// mains or USB supply is online, or a battery says it is discharging
// while nothing says online.
type Sysfs struct {
	Dir string // SysfsDir when empty
}

// Read reads every supply.
func (s Sysfs) Read(context.Context) (State, error) {
	dir := s.Dir
	if dir == "" {
		dir = SysfsDir
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil // no power-supply class: nothing known
	}
	if err != nil {
		return State{}, err
	}
	read := func(supply, name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, supply, name))
		return strings.TrimSpace(string(b))
	}
	var st State
	online, discharging, supplies := false, false, false
	for _, e := range entries {
		name := e.Name()
		switch read(name, "type") {
		case "Mains", "USB", "USB_C", "USB_PD":
			supplies = true
			if read(name, "online") == "1" {
				online = true
			}
		case "Battery":
			// Peripheral batteries (a mouse's, a gamepad's) say scope Device.
			if read(name, "scope") == "Device" {
				continue
			}
			st.Battery = true
			if read(name, "status") == "Discharging" {
				discharging = true
			}
		}
	}
	if !st.Battery && !supplies {
		return State{}, nil
	}
	st.Known = true
	st.OnBattery = st.Battery && !online && (discharging || supplies)
	return st, nil
}
