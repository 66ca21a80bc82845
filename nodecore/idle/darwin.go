//go:build darwin

package idle

import (
	"context"
	"os/exec"
	"time"
)

// HIDIdle reads IOKit's HIDIdleTime (nanoseconds since the last input)
// through ioreg, which keeps this package free of cgo.
type HIDIdle struct{}

// Name is "iokit".
func (HIDIdle) Name() string { return "iokit" }

// Sample runs ioreg once.
func (HIDIdle) Sample(_ time.Time, p *Presence) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/sbin/ioreg", "-c", "IOHIDSystem", "-d", "4").Output()
	if err != nil {
		return err
	}
	ns, err := parseHIDIdle(out)
	if err != nil {
		return err
	}
	idleInput(p, time.Duration(ns))
	return nil
}

// Close does nothing.
func (HIDIdle) Close() error { return nil }

// DefaultSources returns the macOS sources.
func DefaultSources() []Source { return []Source{HIDIdle{}} }
