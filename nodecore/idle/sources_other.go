//go:build !linux && !windows && !darwin

package idle

// DefaultSources returns the X11 source where there is a display.
func DefaultSources() []Source {
	if x, err := NewX11(""); err == nil {
		return []Source{x}
	}
	return nil
}
