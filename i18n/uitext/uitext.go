// Package uitext finds every character the desktop app and the tray can
// show from their own text: each translation (keys and values), each
// language's name, and the string literals of the desktop code. The font
// generator (assets/fonts) bundles a glyph for each of them, and a test
// of the window fails when one of them has none in the fonts it uses.
//
// It reads the source tree, so it runs only from a checkout: in tests
// and in the generator, never in a shipped binary.
package uitext

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/hydrogen-network/hydrogen/i18n"
)

// SourceDirs are the paths, relative to the module root, whose Go code
// shows text to the owner.
var SourceDirs = []string{"app", "tray", "main.go"}

// Text is the characters found, each with one place it appears (for
// error messages).
type Text map[rune]string

// Runes returns the characters, sorted.
func (t Text) Runes() []rune {
	out := make([]rune, 0, len(t))
	for r := range t {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Collect returns every visible character of the UI's text under root,
// the module root. Spaces and control characters are left out: they need
// no glyph.
func Collect(root string) (Text, error) {
	t := Text{}
	add := func(s, where string) {
		for _, r := range s {
			if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
				continue
			}
			if _, ok := t[r]; !ok {
				t[r] = fmt.Sprintf("%s: %q", where, clip(s))
			}
		}
	}
	for _, tag := range i18n.Languages() {
		m, err := i18n.Messages(tag)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			add(k, tag+".json key")
			add(v, tag+".json")
		}
		add(i18n.Name(tag), "the name of "+tag)
	}
	fset := token.NewFileSet()
	visit := func(path string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		var bad error
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
				return true
			}
			var s string
			if lit.Kind == token.CHAR {
				r, _, _, err := strconv.UnquoteChar(strings.Trim(lit.Value, "'"), '\'')
				if err != nil {
					bad = fmt.Errorf("%s: %w", fset.Position(lit.Pos()), err)
					return false
				}
				s = string(r)
			} else if s, err = strconv.Unquote(lit.Value); err != nil {
				bad = fmt.Errorf("%s: %w", fset.Position(lit.Pos()), err)
				return false
			}
			rel, _ := filepath.Rel(root, fset.Position(lit.Pos()).Filename)
			add(s, fmt.Sprintf("%s:%d", filepath.ToSlash(rel), fset.Position(lit.Pos()).Line))
			return true
		})
		return bad
	}
	for _, d := range SourceDirs {
		p := filepath.Join(root, d)
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			if err := visit(p); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(p, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && e.Name() == "testdata" {
				return filepath.SkipDir
			}
			if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				return visit(p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
