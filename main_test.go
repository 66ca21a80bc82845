package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
)

// The tests run this test binary as the real hydrogen binary: with
// HYDROGEN_TEST_RUN_MAIN=1 it runs main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("HYDROGEN_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// hydrogen returns a command running main with args and a clean locale.
func hydrogen(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "HYDROGEN_TEST_RUN_MAIN=1", "LANGUAGE=en", "LC_ALL=", "LANG=C")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func TestVersionFlag(t *testing.T) {
	out, err := hydrogen(t.Context(), nil, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != version.Get().String() {
		t.Fatalf("hydrogen --version printed %q, want %q (what hydrogend version prints)", out, version.Get().String())
	}
}

func TestNoDisplay(t *testing.T) {
	cmd := hydrogen(t.Context(), []string{"DISPLAY=", "WAYLAND_DISPLAY="})
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("without a display: %v, want exit status 1", err)
	}
	for _, want := range []string{"Cannot open the Hydrogen window", "no graphical display", "hydrogend --help"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// requireDisplay fails (in the full suite) or skips without an X display.
func requireDisplay(t *testing.T) {
	t.Helper()
	testenv.Display(t)
}

// requireTool fails (in the full suite) or skips when a program is missing.
func requireTool(t *testing.T, name string) {
	t.Helper()
	testenv.Tool(t, name)
}

// TestWindowUnderXvfb opens the real window on the X server the test
// script started, screenshots it, and checks that it shows the mark and
// the title instead of a blank or black surface.
func TestWindowUnderXvfb(t *testing.T) {
	requireDisplay(t)
	requireTool(t, "xdotool")
	requireTool(t, "import")

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	win, _ := openWindow(t, ctx, []string{"WAYLAND_DISPLAY="})
	name, err := exec.CommandContext(ctx, "xdotool", "getwindowname", win).Output()
	if err != nil || strings.TrimSpace(string(name)) != "Hydrogen" {
		t.Fatalf("window title %q (%v), want Hydrogen", name, err)
	}

	// The first frames may still be blank while GL starts; poll.
	var shot image.Image
	var problem string
	for range 40 {
		shot, problem = screenshot(ctx, t, win)
		if problem == "" {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if dir := os.Getenv("HYDROGEN_SCREENSHOT_DIR"); dir != "" && shot != nil {
		f, err := os.Create(dir + "/hydrogen-window.png")
		if err == nil {
			_ = png.Encode(f, shot)
			f.Close()
		}
	}
	if problem != "" {
		t.Fatalf("the window does not show the first screen: %s", problem)
	}
}

// screenshot captures window win and returns it with "" when it shows the
// mark and the title, or with what is wrong.
func screenshot(ctx context.Context, t *testing.T, win string) (image.Image, string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, "import", "-window", win, "png:-").Output()
	if err != nil {
		return nil, "import failed: " + err.Error()
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		return nil, "screenshot is not a PNG: " + err.Error()
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dy() < 400 {
		return img, "window is only " + b.Size().String()
	}
	bg := img.At(b.Min.X+1, b.Max.Y-2) // the padding: background colour
	br, bgG, bb, _ := bg.RGBA()

	// The logo sits top left: the app icon's blue must be there.
	blue := count(img, image.Rect(0, 0, 100, 100), func(r, g, bl uint32) bool {
		return bl > 0x9000 && bl > r+0x4000 && bl > g+0x1000
	})
	// The "Hydrogen" title to the right of the logo: pixels unlike the background.
	title := count(img, image.Rect(90, 0, 300, 60), func(r, g, bl uint32) bool {
		return absDiff(r, br)+absDiff(g, bgG)+absDiff(bl, bb) > 0x6000
	})
	switch {
	case blue < 200:
		return img, "the logo is missing (" + strconv.Itoa(blue) + " blue pixels top left)"
	case title < 100:
		return img, "the title is missing (" + strconv.Itoa(title) + " text pixels)"
	}
	return img, ""
}

func count(img image.Image, r image.Rectangle, match func(r, g, b uint32) bool) int {
	n := 0
	r = r.Add(img.Bounds().Min).Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if match(cr, cg, cb) {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// openWindow runs the window with env and args, waits for its mapped
// window named Hydrogen, and returns the window's X id and its stderr.
// The process is stopped when the test ends.
func openWindow(t *testing.T, ctx context.Context, env []string, args ...string) (string, *syncBuffer) {
	t.Helper()
	app := hydrogen(ctx, env, args...)
	stderr := &syncBuffer{}
	app.Stderr = stderr
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed once the process has been waited for (waitErr
	// set): both the loop below and the cleanup may look, however often.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = app.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = app.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = app.Process.Kill()
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				t.Errorf("hydrogen (pid %d) was killed but its output never closed", app.Process.Pid)
			}
		}
		if t.Failed() {
			t.Logf("window stderr:\n%s", stderr.String())
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("hydrogen exited before showing a window: %v\n%s", waitErr, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Hydrogen window within 90 s\n%s", stderr.String())
		}
		out, _ := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(app.Process.Pid), "--name", "^Hydrogen$").Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			return f[0], stderr
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// ocrLanguages names tesseract's data for each shipped language
// (scripts/setup installs them).
var ocrLanguages = map[string]string{
	"de": "deu", "en": "eng", "es": "spa", "fr": "fra", "ja": "jpn+eng", "ko": "kor+eng",
	"pt_BR": "por", "ru": "rus+eng", "tr": "tur", "zh_Hans": "chi_sim",
}

// ownScript keeps, for a language not written in Latin letters, only the
// words of its own script: tesseract reading Korean misreads a Hangul
// particle glued to a Latin word ("GPU는" came back as "GPUE"), and the
// test is about the language's own glyphs being drawn.
func ownScript(tag, text string) string {
	switch tag {
	case "ja", "ko", "ru", "zh_Hans":
	default:
		return text
	}
	var keep []string
	for _, w := range strings.Fields(text) {
		if !strings.ContainsFunc(w, func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }) {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}

// TestEveryLanguageUnderXvfb opens the real window in each shipped
// language, on an X server with only the fonts a fresh machine has, and
// reads the first screen back with tesseract in that language: its
// headings must be there, in that language's script. Text drawn as boxes
// (a font without the script's glyphs) reads as nothing.
func TestEveryLanguageUnderXvfb(t *testing.T) {
	requireDisplay(t)
	for _, tool := range []string{"xdotool", "import", "convert", "tesseract"} {
		requireTool(t, tool)
	}
	have, err := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if err != nil {
		t.Fatalf("tesseract --list-langs: %v\n%s", err, have)
	}
	for _, tag := range i18n.Languages() {
		t.Run(tag, func(t *testing.T) {
			code, ok := ocrLanguages[tag]
			if !ok {
				t.Fatalf("no OCR language for %s: add tesseract's data to scripts/setup and to ocrLanguages", tag)
			}
			for _, c := range strings.Split(code, "+") {
				if !slices.Contains(strings.Fields(string(have)), c) {
					t.Fatalf("tesseract has no %s data: run scripts/setup", c)
				}
			}
			msgs, err := i18n.Messages(tag)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, k := range []string{"How it works", "Node service", "Earns only while you are away", "Your GPU back instantly"} {
				want = append(want, ownScript(tag, msgs[k]))
			}
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			win, _ := openWindow(t, ctx, []string{"WAYLAND_DISPLAY=", "LANGUAGE=" + tag, "LANG=", "LC_ALL="}, "-socket", filepath.Join(t.TempDir(), "none.sock"))
			saveShot(os.Getenv("HYDROGEN_SCREENSHOT_DIR"), "first-screen-"+tag, waitForText(t, ctx, win, code, "the first screen in "+tag, want))
		})
	}
}
