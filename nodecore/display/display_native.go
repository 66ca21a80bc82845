//go:build windows || darwin

package display

import "context"

// detect on Windows and macOS: an interactive process there always has the
// platform's desktop. (A Windows service runs in session 0 without one, but
// services never call this: the desktop app runs in the user's session.)
func detect(context.Context) (Session, error) {
	return Session{Kind: KindNative}, nil
}
