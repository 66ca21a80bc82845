package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/display"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

func useLanguage(t *testing.T, tag string) {
	t.Helper()
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(v, "")
	}
	t.Setenv("LANGUAGE", tag)
	if err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
}

// newTestApp is fyne's test app with the window's theme, as main sets it.
func newTestApp(t *testing.T) fyne.App {
	t.Helper()
	a := test.NewTempApp(t)
	UseTheme(a)
	return a
}

func TestPreflight(t *testing.T) {
	useLanguage(t, "en")
	haveX := func(context.Context) (display.Session, error) {
		return display.Session{Kind: display.KindX11, Name: ":0"}, nil
	}
	noDisplay := func(context.Context) (display.Session, error) {
		return display.Session{}, fmt.Errorf("%w: neither DISPLAY nor WAYLAND_DISPLAY is set", display.ErrNoDisplay)
	}
	tests := []struct {
		name     string
		args     []string
		detect   func(context.Context) (display.Session, error)
		wantDone bool
		wantCode int
		wantOut  string
		wantErr  []string
	}{
		{name: "opens the window", detect: haveX},
		{name: "version", args: []string{"--version"}, detect: noDisplay, wantDone: true, wantOut: version.Get().String()},
		{name: "help", args: []string{"-h"}, detect: haveX, wantDone: true, wantErr: []string{"Usage: hydrogen", "hydrogend --help"}},
		{name: "bad tab", args: []string{"-tab", "wallet"}, detect: haveX, wantDone: true, wantCode: 2, wantErr: []string{`-tab "wallet"`}},
		{name: "bad flag", args: []string{"--fullscreen"}, detect: haveX, wantDone: true, wantCode: 2, wantErr: []string{"-fullscreen"}},
		{name: "stray argument", args: []string{"now"}, detect: haveX, wantDone: true, wantCode: 2, wantErr: []string{`unexpected argument "now"`}},
		{
			name: "no display points to the daemon", detect: noDisplay, wantDone: true, wantCode: 1,
			wantErr: []string{"Cannot open the Hydrogen window: no graphical display: neither DISPLAY nor WAYLAND_DISPLAY is set.", "hydrogend --help"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			_, code, done := Preflight(context.Background(), tt.args, &out, &errb, tt.detect)
			if done != tt.wantDone || code != tt.wantCode {
				t.Fatalf("Preflight = %d, %v; want %d, %v (stderr %q)", code, done, tt.wantCode, tt.wantDone, errb.String())
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out.String(), tt.wantOut)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}

func TestPreflightTranslated(t *testing.T) {
	useLanguage(t, "zh_Hans")
	var errb bytes.Buffer
	_, _, _ = Preflight(context.Background(), nil, &bytes.Buffer{}, &errb, func(context.Context) (display.Session, error) {
		return display.Session{}, errors.New("no graphical display")
	})
	if !strings.Contains(errb.String(), "无法打开 Hydrogen 窗口") || !strings.Contains(errb.String(), "hydrogend --help") {
		t.Fatalf("stderr in Chinese = %q", errb.String())
	}
}

var fixedVersion = version.Info{Version: "1.2.3", Commit: "0123456789ab", GoVersion: "go1.26.8", Platform: "linux/amd64"}

func TestFirstScreenMarkup(t *testing.T) {
	for _, tc := range []struct{ lang, master string }{
		{"en", "first_screen_en.xml"},
		{"zh_Hans", "first_screen_zh_Hans.xml"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			useLanguage(t, tc.lang)
			newTestApp(t)
			w := test.NewTempWindow(t, FirstScreen(fixedVersion))
			w.Resize(DefaultSize)
			test.AssertRendersToMarkup(t, tc.master, w.Canvas())
		})
	}
}

func TestNewMainWindow(t *testing.T) {
	useLanguage(t, "en")
	a := newTestApp(t)
	w := NewMainWindow(a, fixedVersion, Options{Client: &api.Client{Socket: "/nonexistent"}})
	defer w.Close()
	if w.Title() != "Hydrogen" {
		t.Errorf("title = %q", w.Title())
	}
	// fyne's test driver drops SetIcon; the icon itself is checked here
	// and the real window's under Xvfb (see main_test.go).
	if _, err := png.Decode(bytes.NewReader(Icon().Content())); err != nil {
		t.Errorf("app icon is not a PNG: %v", err)
	}
	if w.Content() == nil {
		t.Error("window has no content")
	}
}
