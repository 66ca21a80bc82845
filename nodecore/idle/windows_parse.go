package idle

import (
	"encoding/binary"
	"time"
)

// Helpers for the Windows sources, kept free of Windows calls so they
// are tested everywhere.

// tickIdle is the time since lastInput, both GetTickCount values: 32-bit
// milliseconds that wrap every 49.7 days, so the difference is taken
// modulo 2^32.
func tickIdle(now, lastInput uint32) time.Duration {
	return time.Duration(now-lastInput) * time.Millisecond
}

// QUERY_USER_NOTIFICATION_STATE values (shellapi.h).
const (
	qunsNotPresent       = 1 // screensaver running or machine locked
	qunsBusy             = 2 // a full-screen application
	qunsRunningD3DFull   = 3 // a full-screen Direct3D application (a game)
	qunsPresentationMode = 4
	qunsAcceptsNotifs    = 5
	qunsQuietTime        = 6
	qunsApp              = 7 // a full-screen Store app
)

// fullScreenState reports whether a notification state means the owner
// is watching or playing something full-screen.
func fullScreenState(state uint32) bool {
	switch state {
	case qunsBusy, qunsRunningD3DFull, qunsPresentationMode, qunsApp:
		return true
	}
	return false
}

// xinputPacket reads dwPacketNumber from an XINPUT_STATE (16 bytes): it
// changes whenever the controller's state does.
func xinputPacket(state []byte) (uint32, bool) {
	if len(state) < 16 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(state[0:4]), true
}
