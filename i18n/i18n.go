// Package i18n holds every user-facing string of the desktop app and the
// tray, translated, and registers them with Fyne's lang package.
//
// Strings are looked up with lang.L using the English text as the key.
// translations/en.json is the source; every other file must translate
// every key (a test checks this, and that every key the code uses exists).
// The daemon never translates: it sends codes that the app turns into
// text here.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"fyne.io/fyne/v2/lang"
)

//go:embed translations/*.json
var translations embed.FS

// Dir is the directory inside FS holding one JSON file per language.
const Dir = "translations"

// FS returns the embedded translation files.
func FS() fs.FS { return translations }

// Load registers the translations with Fyne and picks the language closest
// to the user's locale ($LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG on Linux;
// the system settings on Windows and macOS), English when none matches.
func Load() error {
	if err := lang.AddTranslationsFS(translations, Dir); err != nil {
		return fmt.Errorf("i18n: %w", err)
	}
	return nil
}

// Languages returns the language tags that have a translation file, such
// as "en" and "zh_Hans", sorted.
func Languages() []string {
	entries, _ := translations.ReadDir(Dir)
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// names are the languages' names in their own script, as the language
// setting lists them. Every translation file needs one (a test checks).
var names = map[string]string{
	"de":      "Deutsch",
	"en":      "English",
	"es":      "Español",
	"fr":      "Français",
	"ja":      "日本語",
	"ko":      "한국어",
	"pt_BR":   "Português (Brasil)",
	"ru":      "Русский",
	"tr":      "Türkçe",
	"zh_Hans": "简体中文",
}

// Name returns a language's name in its own script, such as "简体中文"
// for zh_Hans; the tag itself for a language without one.
func Name(tag string) string {
	if n, ok := names[tag]; ok {
		return n
	}
	return tag
}

// Messages returns the key → text table of one language.
func Messages(tag string) (map[string]string, error) {
	b, err := translations.ReadFile(path.Join(Dir, tag+".json"))
	if err != nil {
		return nil, fmt.Errorf("i18n: no translation %q: %w", tag, err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("i18n: %s.json: %w", tag, err)
	}
	return m, nil
}
