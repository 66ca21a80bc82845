// Package fonts holds the fonts the window bundles so that every shipped
// language renders on a machine with no font of its script installed:
// subsets of Noto Sans CJK SC (SIL Open Font License, OFL.txt), regular
// and bold, with exactly the characters of the UI's text that Fyne's own
// fonts (Noto Sans) lack. SOURCES.txt says where they came from.
//
// Regenerate them after adding text in a new script (the app's glyph
// test fails and says so):
//
//	go generate ./assets/fonts
//
// The tray does not link this package: its menu is drawn by the desktop.
package fonts

import _ "embed"

//go:generate ../../scripts/fonts

// The bundled files.
const (
	RegularFile = "NotoSansCJKsc-Hydrogen-Regular.otf"
	BoldFile    = "NotoSansCJKsc-Hydrogen-Bold.otf"
)

var (
	//go:embed NotoSansCJKsc-Hydrogen-Regular.otf
	regular []byte
	//go:embed NotoSansCJKsc-Hydrogen-Bold.otf
	bold []byte
)

// Regular returns the regular subset (OpenType, CFF outlines).
func Regular() []byte { return regular }

// Bold returns the bold subset.
func Bold() []byte { return bold }
