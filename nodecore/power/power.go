// Package power tells whether the machine runs on battery, from the OS:
// Linux's /sys/class/power_supply, Windows's GetSystemPowerStatus, macOS's
// pmset. The daemon feeds it to the hire-out policy, which pauses on
// battery (a laptop's card would drain it in minutes).
package power

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
)

// State is the machine's power source.
type State struct {
	// Known is false when the OS did not say (no power-supply
	// information): the policy then takes the machine for plugged in.
	Known bool
	// OnBattery reports whether the machine draws from its battery.
	OnBattery bool
	// Battery reports whether the machine has a battery at all.
	Battery bool
}

// ErrUnsupported is an OS this package cannot ask.
var ErrUnsupported = errors.New("power: this OS's power source cannot be read")

// Source reads the power state.
type Source interface {
	Read(ctx context.Context) (State, error)
}

// Watch reads src every period and calls fn with whether the machine is
// on battery: at once, then on every change, until ctx ends. A failed
// read is logged once and counts as plugged in (the owner may be on mains
// and a broken sensor must not stop earning for good).
func Watch(ctx context.Context, src Source, period time.Duration, log *slog.Logger, fn func(onBattery bool)) {
	first, last, failing := true, false, false
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		st, err := src.Read(ctx)
		switch {
		case err != nil && !failing:
			failing = true
			log.Warn("reading the power source failed; taking the machine for plugged in", "err", err)
		case err == nil && failing:
			failing = false
			log.Info("the power source reads again")
		}
		on := err == nil && st.Known && st.OnBattery
		if first || on != last {
			if !first {
				log.Info("power source changed", "on_battery", on)
			}
			fn(on)
			first, last = false, on
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ParsePmset reads `pmset -g batt` (macOS): "Now drawing from 'Battery
// Power'" or "'AC Power'", then a line per battery.
func ParsePmset(out string) (State, error) {
	first, rest, _ := strings.Cut(out, "\n")
	var st State
	switch {
	case strings.Contains(first, "'Battery Power'"):
		st = State{Known: true, OnBattery: true, Battery: true}
	case strings.Contains(first, "'AC Power'"), strings.Contains(first, "'UPS Power'"):
		st = State{Known: true}
	default:
		return State{}, errors.New("power: pmset printed no power source")
	}
	st.Battery = st.Battery || strings.Contains(rest, "InternalBattery")
	return st, nil
}

// windowsStatus is SYSTEM_POWER_STATUS's fields we read.
type windowsStatus struct {
	ACLineStatus byte // 0 offline, 1 online, 255 unknown
	BatteryFlag  byte // 128: no system battery; 255 unknown
}

// fromWindows turns GetSystemPowerStatus's answer into a State.
func fromWindows(s windowsStatus) State {
	battery := s.BatteryFlag != 128 && s.BatteryFlag != 255
	switch s.ACLineStatus {
	case 0:
		return State{Known: true, OnBattery: true, Battery: true}
	case 1:
		return State{Known: true, Battery: battery}
	}
	return State{Battery: battery}
}
