//go:build linux

package idle

// DefaultSources returns the sources that can work in this session: X11
// when there is a display, the D-Bus ones when there is a session bus
// (each drops out on its own if its service is absent), and joysticks.
func DefaultSources() []Source {
	var out []Source
	if x, err := NewX11(""); err == nil {
		out = append(out, x)
	}
	if c, err := SessionBus(); err == nil {
		out = append(out, Mutter{Conn: c}, ScreenSaver{Conn: c}, GNOMEInhibit{Conn: c})
	}
	return append(out, &Joysticks{})
}
