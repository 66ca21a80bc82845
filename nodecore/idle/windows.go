//go:build windows

package idle

import (
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32   = windows.NewLazySystemDLL("user32.dll")
	kernel32 = windows.NewLazySystemDLL("kernel32.dll")
	shell32  = windows.NewLazySystemDLL("shell32.dll")
	xinput   = windows.NewLazySystemDLL("xinput1_4.dll")

	getLastInputInfo             = user32.NewProc("GetLastInputInfo")
	getTickCount                 = kernel32.NewProc("GetTickCount")
	shQueryUserNotificationState = shell32.NewProc("SHQueryUserNotificationState")
	xInputGetState               = xinput.NewProc("XInputGetState")
)

// LastInput reads GetLastInputInfo: it works only in the user's session,
// which is where the tray runs it.
type LastInput struct{}

// Name is "lastinput".
func (LastInput) Name() string { return "lastinput" }

// Sample reads the keyboard and mouse idle time.
func (LastInput) Sample(_ time.Time, p *Presence) error {
	info := struct{ size, time uint32 }{size: 8}
	if r, _, err := getLastInputInfo.Call(uintptr(unsafe.Pointer(&info))); r == 0 {
		return err
	}
	now, _, _ := getTickCount.Call()
	idleInput(p, tickIdle(uint32(now), info.time))
	return nil
}

// Close does nothing.
func (LastInput) Close() error { return nil }

// NotificationState reads SHQueryUserNotificationState: full-screen
// games (Direct3D), full-screen applications, presentation mode.
type NotificationState struct{}

// Name is "notification-state".
func (NotificationState) Name() string { return "notification-state" }

// Sample sets FullScreen.
func (NotificationState) Sample(_ time.Time, p *Presence) error {
	var state uint32
	if r, _, _ := shQueryUserNotificationState.Call(uintptr(unsafe.Pointer(&state))); r != 0 {
		return windows.Errno(r)
	}
	if fullScreenState(state) {
		p.FullScreen = true
	}
	return nil
}

// Close does nothing.
func (NotificationState) Close() error { return nil }

// XInput watches up to four XInput controllers' packet numbers: a change
// is controller activity.
type XInput struct {
	mu      sync.Mutex // guards the fields below
	packets [4]uint32
	seen    [4]bool
	last    time.Time
}

// Name is "xinput".
func (x *XInput) Name() string { return "xinput" }

// Sample polls the controllers.
func (x *XInput) Sample(now time.Time, p *Presence) error {
	if err := xInputGetState.Find(); err != nil {
		return ErrUnavailable
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var state [16]byte
	for i := range 4 {
		if r, _, _ := xInputGetState.Call(uintptr(i), uintptr(unsafe.Pointer(&state[0]))); r != 0 {
			x.seen[i] = false // not connected
			continue
		}
		pkt, _ := xinputPacket(state[:])
		if x.seen[i] && pkt != x.packets[i] {
			x.last = now
		}
		x.packets[i], x.seen[i] = pkt, true
	}
	if !x.last.IsZero() && now.Sub(x.last) < p.ControllerIdle {
		p.ControllerIdle = max(now.Sub(x.last), 0)
	}
	return nil
}

// Close does nothing.
func (x *XInput) Close() error { return nil }

// DefaultSources returns the Windows sources.
func DefaultSources() []Source {
	return []Source{LastInput{}, NotificationState{}, &XInput{}}
}
