package app

import (
	"fyne.io/fyne/v2"

	"github.com/hydrogen-network/hydrogen/assets/fonts"
)

// The bundled fonts as Fyne resources (assets/fonts).
var (
	textFont     = fyne.NewStaticResource(fonts.RegularFile, fonts.Regular())
	textBoldFont = fyne.NewStaticResource(fonts.BoldFile, fonts.Bold())
)

// Theme is base with the bundled fonts first, so that every shipped
// language renders whatever fonts the machine has. The bundled fonts hold
// only the characters Fyne's own fonts lack and no space: Fyne draws the
// rest, and measures every line, with its own fonts exactly as before
// (its text faces come second, after the theme's). Colors, icons and
// sizes are base's.
func Theme(base fyne.Theme) fyne.Theme { return &bundledTheme{Theme: base} }

type bundledTheme struct{ fyne.Theme }

// Font returns the bundled font for the style; symbols and monospace
// (addresses, hashes: never translated) stay base's, with their metrics.
func (t *bundledTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Symbol, s.Monospace:
		return t.Theme.Font(s)
	case s.Bold:
		return textBoldFont
	default:
		return textFont
	}
}

// UseTheme gives a the window's theme over its current one.
func UseTheme(a fyne.App) {
	if _, ok := a.Settings().Theme().(*bundledTheme); !ok {
		a.Settings().SetTheme(Theme(a.Settings().Theme()))
	}
}
