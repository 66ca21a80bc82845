//go:build linux

package idle

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

// fakeDesktop serves GNOME's idle monitor and session manager and the
// freedesktop screensaver on the session bus.
type fakeDesktop struct {
	idleMs    uint64
	inhibited bool
	idleSec   uint32
}

func (f *fakeDesktop) GetIdletime() (uint64, *dbus.Error) { return f.idleMs, nil }
func (f *fakeDesktop) IsInhibited(flags uint32) (bool, *dbus.Error) {
	return f.inhibited && flags&8 != 0, nil
}
func (f *fakeDesktop) GetSessionIdleTime() (uint32, *dbus.Error) { return f.idleSec, nil }

func TestDBusSources(t *testing.T) {
	testenv.Require(t, os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "", "a D-Bus session bus")
	server, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	f := &fakeDesktop{idleMs: 4200, idleSec: 30}
	for _, e := range []struct {
		name, path, iface string
	}{
		{"org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor"},
		{"org.gnome.SessionManager", "/org/gnome/SessionManager", "org.gnome.SessionManager"},
		{"org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"},
	} {
		if err := server.Export(f, dbus.ObjectPath(e.path), e.iface); err != nil {
			t.Fatal(err)
		}
		if r, err := server.RequestName(e.name, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
			t.Fatalf("name %s: %v %v", e.name, r, err)
		}
		defer server.ReleaseName(e.name)
	}
	c, err := SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := NewWatcher(Mutter{c}, ScreenSaver{c}, GNOMEInhibit{c})
	p := w.Sample()
	if len(p.Errors) != 0 || len(p.Sources) != 3 {
		t.Fatalf("%+v", p)
	}
	if p.Idle != 4200*time.Millisecond || p.Inhibited {
		t.Fatalf("idle %s (the least of 4.2 s and 30 s), inhibited %v", p.Idle, p.Inhibited)
	}
	f.inhibited, f.idleMs = true, 3_600_000
	p = w.Sample()
	if !p.Inhibited || p.Idle != 30*time.Second {
		t.Fatalf("%+v", p)
	}

	// A desktop without these services: the sources drop out cleanly.
	server.ReleaseName("org.gnome.Mutter.IdleMonitor")
	w2 := NewWatcher(Mutter{c})
	if p := w2.Sample(); p.Live() || len(p.Errors) != 1 {
		t.Fatalf("absent service: %+v", p)
	}
	if p := w2.Sample(); len(p.Errors) != 0 {
		t.Fatalf("an unavailable source is asked again: %+v", p)
	}
}

// TestJoysticks feeds js_event records through a FIFO standing in for
// /dev/input/js0: the synthetic events sent on open are not activity, a
// button press is.
func TestJoysticks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "js0")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// Keep a writer open so the reader sees "no data" rather than EOF.
	wf, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	ev := func(typ byte, number byte, value int16) []byte {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint32(b, 123)
		binary.LittleEndian.PutUint16(b[4:], uint16(value))
		b[6], b[7] = typ, number
		return b
	}
	j := &Joysticks{Glob: filepath.Join(dir, "js*")}
	defer j.Close()
	now := time.Unix(1_000_000, 0)
	p := Presence{Idle: Unknown, ControllerIdle: Unknown}
	if err := j.Sample(now, &p); err != nil || p.ControllerIdle != Unknown {
		t.Fatalf("no events yet: %v %s", err, p.ControllerIdle)
	}
	wf.Write(append(ev(0x81, 0, 0), ev(0x82, 1, 0)...)) // init button and axis
	p = Presence{Idle: Unknown, ControllerIdle: Unknown}
	j.Sample(now, &p)
	if p.ControllerIdle != Unknown {
		t.Fatal("init events counted as activity")
	}
	wf.Write(ev(0x01, 0, 1)) // button A pressed
	j.Sample(now, &p)
	later := now.Add(3 * time.Second)
	p = Presence{Idle: Unknown, ControllerIdle: Unknown}
	j.Sample(later, &p)
	if p.ControllerIdle != 3*time.Second {
		t.Fatalf("controller idle %s, want 3 s", p.ControllerIdle)
	}
}

func TestUnavailableX11(t *testing.T) {
	if _, err := NewX11(":93817"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
}
