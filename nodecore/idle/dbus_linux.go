//go:build linux

package idle

import (
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
)

// D-Bus sources on the session bus: GNOME's Mutter idle monitor (GNOME
// on Wayland, where X11 cannot see input), the freedesktop screensaver
// interface (KDE and other desktops), and GNOME's session manager for
// idle inhibitors (video players, presentations).

// SessionBus connects to the session bus ($DBUS_SESSION_BUS_ADDRESS).
func SessionBus() (*dbus.Conn, error) {
	c, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w: session bus: %v", ErrUnavailable, err)
	}
	return c, nil
}

// callTimeout bounds one D-Bus call: a hung service must not stall the
// watcher.
const callTimeout = 300 * time.Millisecond

func call(c *dbus.Conn, dest string, path dbus.ObjectPath, method string, out any, args ...any) error {
	ch := make(chan *dbus.Call, 1)
	c.Object(dest, path).Go(method, 0, ch, args...)
	select {
	case r := <-ch:
		if r.Err != nil {
			if e, ok := r.Err.(dbus.Error); ok && (e.Name == "org.freedesktop.DBus.Error.ServiceUnknown" || e.Name == "org.freedesktop.DBus.Error.UnknownMethod" || e.Name == "org.freedesktop.DBus.Error.UnknownObject") {
				return fmt.Errorf("%w: %s", ErrUnavailable, e.Name)
			}
			return r.Err
		}
		return r.Store(out)
	case <-time.After(callTimeout):
		return fmt.Errorf("%s: no answer in %s", method, callTimeout)
	}
}

// Mutter reads org.gnome.Mutter.IdleMonitor.
type Mutter struct{ Conn *dbus.Conn }

// Name is "mutter".
func (Mutter) Name() string { return "mutter" }

// Sample reads the core idle monitor's idle time (milliseconds).
func (m Mutter) Sample(_ time.Time, p *Presence) error {
	var ms uint64
	if err := call(m.Conn, "org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor.GetIdletime", &ms); err != nil {
		return err
	}
	idleInput(p, time.Duration(ms)*time.Millisecond)
	return nil
}

// Close does nothing: the connection is shared.
func (Mutter) Close() error { return nil }

// ScreenSaver reads org.freedesktop.ScreenSaver.
type ScreenSaver struct{ Conn *dbus.Conn }

// Name is "screensaver".
func (ScreenSaver) Name() string { return "screensaver" }

// Sample reads the session's idle time (seconds, per the freedesktop
// specification).
func (s ScreenSaver) Sample(_ time.Time, p *Presence) error {
	var sec uint32
	if err := call(s.Conn, "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.GetSessionIdleTime", &sec); err != nil {
		return err
	}
	idleInput(p, time.Duration(sec)*time.Second)
	return nil
}

// Close does nothing: the connection is shared.
func (ScreenSaver) Close() error { return nil }

// GNOMEInhibit asks GNOME's session manager whether idleness is
// inhibited (a video player, a presentation).
type GNOMEInhibit struct{ Conn *dbus.Conn }

// Name is "gnome-inhibit".
func (GNOMEInhibit) Name() string { return "gnome-inhibit" }

// inhibitIdle is GsmInhibitorFlag's "idle" bit.
const inhibitIdle = 8

// Sample sets Inhibited when an application inhibits idleness.
func (g GNOMEInhibit) Sample(_ time.Time, p *Presence) error {
	var yes bool
	if err := call(g.Conn, "org.gnome.SessionManager", "/org/gnome/SessionManager", "org.gnome.SessionManager.IsInhibited", &yes, uint32(inhibitIdle)); err != nil {
		return err
	}
	if yes {
		p.Inhibited = true
		p.Inhibitors = append(p.Inhibitors, "GNOME session: idle inhibited")
	}
	return nil
}

// Close does nothing: the connection is shared.
func (GNOMEInhibit) Close() error { return nil }
