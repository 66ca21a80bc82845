// Package display tells whether this process can show a window: which
// graphical session it is in, and whether that session answers.
//
// The desktop app checks it before it starts Fyne, so that a missing
// display ends with a clear message instead of a driver crash, and
// `hydrogend doctor` reports it.
package display

import (
	"context"
	"errors"
	"fmt"
)

// Kind is the sort of graphical session.
type Kind int

// The kinds of session.
const (
	KindNone    Kind = 0
	KindX11     Kind = 1 // an X server, from $DISPLAY
	KindWayland Kind = 2 // a Wayland compositor, from $WAYLAND_DISPLAY
	KindNative  Kind = 3 // the platform's own desktop (Windows, macOS)
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindX11:
		return "X11"
	case KindWayland:
		return "Wayland"
	case KindNative:
		return "native"
	}
	return "none"
}

// Session is a graphical session that answered.
type Session struct {
	Kind Kind
	Name string // the display name, e.g. ":0" or "wayland-0"
}

// String describes the session, e.g. "X11 display :0".
func (s Session) String() string {
	if s.Name == "" {
		return s.Kind.String() + " desktop"
	}
	return fmt.Sprintf("%s display %s", s.Kind, s.Name)
}

// ErrNoDisplay means no graphical session is available to this process.
var ErrNoDisplay = errors.New("no graphical display")

// Detect finds the graphical session and checks that it answers. Errors
// wrap ErrNoDisplay.
func Detect(ctx context.Context) (Session, error) {
	return detect(ctx)
}
