package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// uiDirs are the directories whose Go code shows text to the owner,
// relative to this package.
var uiDirs = []string{"../app", "../tray", "../main.go"}

// usedKeys returns every string literal passed as the first argument of
// lang.L / lang.Localize in the desktop code, with where it was found.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	fset := token.NewFileSet()
	visit := func(path string) {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" || (sel.Sel.Name != "L" && sel.Sel.Name != "Localize") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s with a non-literal key cannot be checked; use a literal", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			keys[s] = fset.Position(call.Pos()).String()
			return true
		})
	}
	for _, d := range uiDirs {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.IsDir() {
			visit(d)
			continue
		}
		err = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && e.Name() == "testdata" {
				return filepath.SkipDir
			}
			if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				visit(p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestEveryKeyTranslated(t *testing.T) {
	used := usedKeys(t)
	if len(used) == 0 {
		t.Fatal("found no lang.L calls: the scan is broken")
	}
	langs := Languages()
	if len(langs) < 10 || !slices.Contains(langs, "en") {
		t.Fatalf("languages %v: want en and at least nine more", langs)
	}
	en, err := Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for k, where := range used {
		if _, ok := en[k]; !ok {
			missing = append(missing, where+": "+strconv.Quote(k))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("not in en.json: %s", m)
	}
	for k := range en {
		if _, ok := used[k]; !ok {
			t.Errorf("en.json has %q, which no code uses", k)
		}
		if en[k] != k {
			t.Errorf("en.json: %q must map to itself, got %q", k, en[k])
		}
	}
	for _, tag := range langs {
		if tag == "en" {
			continue
		}
		m, err := Messages(tag)
		if err != nil {
			t.Fatal(err)
		}
		for k := range en {
			v, ok := m[k]
			switch {
			case !ok:
				t.Errorf("%s.json lacks %q", tag, k)
			case strings.TrimSpace(v) == "":
				t.Errorf("%s.json: empty translation of %q", tag, k)
			case strings.Count(v, "{{") != strings.Count(k, "{{"):
				t.Errorf("%s.json: %q drops or adds a placeholder: %q", tag, k, v)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s.json has %q, which en.json lacks", tag, k)
			}
		}
	}
}

func TestLoadPicksTheLocale(t *testing.T) {
	const key = "Earn with your GPU while you are away"
	zh, err := Messages("zh_Hans")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ locale, want string }{
		{"zh_CN.UTF-8", zh[key]},
		{"en_US.UTF-8", key},
		{"tlh", key}, // no Klingon yet: English
	} {
		t.Run(tc.locale, func(t *testing.T) {
			for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
				t.Setenv(v, "")
			}
			t.Setenv("LANG", tc.locale)
			if err := Load(); err != nil {
				t.Fatal(err)
			}
			if got := lang.L(key); got != tc.want {
				t.Fatalf("lang.L under %s = %q, want %q", tc.locale, got, tc.want)
			}
		})
	}
}

// TestDateLayouts: the translations of the date layouts (tray.Clock, the
// window's charts and ledger) are Go time layouts that still write the
// day, the month and the time, in every language.
func TestDateLayouts(t *testing.T) {
	at := time.Date(2026, 11, 3, 14, 5, 9, 0, time.UTC)
	want := map[string][]string{
		"Jan 2":          {"3", "11|Nov"},
		"Jan 2 15:04":    {"3", "11|Nov", "14:05"},
		"Jan 2 15:04:05": {"3", "11|Nov", "14:05:09"},
		"15h":            {"14"},
	}
	for _, tag := range Languages() {
		msgs, err := Messages(tag)
		if err != nil {
			t.Fatal(err)
		}
		for layout, parts := range want {
			got := at.Format(msgs[layout])
			for _, p := range parts {
				ok := false
				for _, alt := range strings.Split(p, "|") {
					ok = ok || strings.Contains(got, alt)
				}
				if !ok {
					t.Errorf("%s: layout %q is %q, which writes %q: no %s", tag, layout, msgs[layout], got, p)
				}
			}
		}
	}
}

// TestLanguagesAreTheAPIs: the daemon accepts exactly the languages the
// app has translations for (it validates the language setting without
// linking the app).
func TestLanguagesAreTheAPIs(t *testing.T) {
	if got, want := Languages(), api.Languages(); !slices.Equal(got, want) {
		t.Errorf("translation files %v, api.Languages %v: keep them equal", got, want)
	}
}

func TestEveryLanguageNamed(t *testing.T) {
	for _, tag := range Languages() {
		if Name(tag) == tag {
			t.Errorf("%s has no name in its own script: add it to names", tag)
		}
	}
	if Name("xx") != "xx" {
		t.Errorf("Name(xx) = %q", Name("xx"))
	}
}

func TestMessagesErrors(t *testing.T) {
	if _, err := Messages("xx"); err == nil {
		t.Fatal("a missing language loaded")
	}
}
