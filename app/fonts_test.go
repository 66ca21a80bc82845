package app

import (
	"bytes"
	"fmt"
	"sort"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/i18n/uitext"
)

// faceList is the fonts Fyne draws a style with, in its order: the
// theme's font, Fyne's own font of that style, its emoji and symbol
// fonts. The system's fonts, which Fyne tries last, are left out on
// purpose: the window must not need any.
type faceList []*font.Face

// ResolveFace is Fyne's choice: the first face with the glyph, else the
// first face (which draws a missing glyph as a box).
func (l faceList) ResolveFace(r rune) *font.Face {
	for _, f := range l {
		if _, ok := f.NominalGlyph(r); ok {
			return f
		}
	}
	return l[0]
}

func parseFont(t *testing.T, r fyne.Resource) *font.Face {
	t.Helper()
	f, err := font.ParseTTF(bytes.NewReader(r.Content()))
	if err != nil {
		t.Fatalf("%s: %v", r.Name(), err)
	}
	return f
}

func windowFaces(t *testing.T) map[string]faceList {
	t.Helper()
	th := Theme(test.NewTheme())
	extra := []fyne.Resource{fynetheme.DefaultSymbolFont()}
	if e := fynetheme.DefaultEmojiFont(); e != nil {
		extra = append([]fyne.Resource{e}, extra...)
	}
	out := map[string]faceList{}
	for name, st := range map[string]struct {
		style fyne.TextStyle
		fyne  fyne.Resource
	}{
		"regular": {fyne.TextStyle{}, fynetheme.DefaultTextFont()},
		"bold":    {fyne.TextStyle{Bold: true}, fynetheme.DefaultTextBoldFont()},
		"italic":  {fyne.TextStyle{Italic: true}, fynetheme.DefaultTextItalicFont()},
	} {
		l := faceList{parseFont(t, th.Font(st.style)), parseFont(t, st.fyne)}
		for _, r := range extra {
			l = append(l, parseFont(t, r))
		}
		out[name] = l
	}
	return out
}

// TestEveryCharacterHasAGlyph: every character of the UI's text (every
// translation, every language's name, the desktop code's literals) is in
// the fonts the window draws with, in every style, without any font of
// the machine's. A new character in a new script fails here until
// `go generate ./assets/fonts` bundles it.
func TestEveryCharacterHasAGlyph(t *testing.T) {
	text, err := uitext.Collect("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := text['中']; !ok || len(text) < 300 {
		t.Fatalf("the scan found %d characters and no 中: it is broken", len(text))
	}
	for style, faces := range windowFaces(t) {
		var missing []string
		for _, r := range text.Runes() {
			if _, ok := faces.ResolveFace(r).NominalGlyph(r); !ok {
				missing = append(missing, fmt.Sprintf("%q U+%04X (%s)", r, r, text[r]))
			}
		}
		for _, m := range missing {
			t.Errorf("%s: no font draws %s: run go generate ./assets/fonts", style, m)
		}
	}
}

// TestEveryTranslationShapes shapes every string of every language the
// way Fyne does (runs split by script and face, a space keeping the face
// of the text before it) and fails on any glyph drawn as a box — which is
// how a space after a Chinese character once came out as '�'.
func TestEveryTranslationShapes(t *testing.T) {
	var shaper shaping.HarfbuzzShaper
	var seg shaping.Segmenter
	boxes := func(s string, fl faceList) (n int) {
		runes := []rune(s)
		in := shaping.Input{Text: runes, RunEnd: len(runes), Direction: di.DirectionLTR, Face: fl[0], Size: fixed.I(14), Script: language.Latin}
		for _, run := range seg.Split(in, fl) {
			for _, g := range shaper.Shape(run).Glyphs {
				if g.GlyphID == 0 {
					n++
				}
			}
		}
		return n
	}
	faces := windowFaces(t)
	// The check sees boxes: with Fyne's fonts alone, Chinese is boxes.
	if n := boxes("版本 1.2", faces["regular"][1:]); n != 2 {
		t.Fatalf("Fyne's own fonts drew 版本 with %d boxes, want 2: the check is broken", n)
	}
	styles := make([]string, 0, len(faces))
	for s := range faces {
		styles = append(styles, s)
	}
	sort.Strings(styles)
	shaped := 0
	for _, tag := range i18n.Languages() {
		msgs, err := i18n.Messages(tag)
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{i18n.Name(tag)}
		for _, v := range msgs {
			texts = append(texts, v)
		}
		for _, style := range styles {
			fl := faces[style]
			bad := 0
			for _, s := range texts {
				if n := boxes(s, fl); n > 0 {
					if bad < 10 {
						t.Errorf("%s, %s: %q has %d characters drawn as boxes", tag, style, s, n)
					}
					bad++
				}
				shaped++
			}
		}
	}
	if shaped < 200 {
		t.Fatalf("shaped only %d strings", shaped)
	}
}
