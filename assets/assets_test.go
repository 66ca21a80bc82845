package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/hydrogen-network/hydrogen/assets/internal/iconart"
)

// TestCommittedIconsMatchGenerator fails when someone edits the drawing
// code without running `go generate ./assets`, or edits a PNG by hand.
func TestCommittedIconsMatchGenerator(t *testing.T) {
	for _, f := range iconart.Files() {
		t.Run(f.Path, func(t *testing.T) {
			committed, err := files.ReadFile(f.Path)
			if err != nil {
				t.Fatalf("missing: %v (run go generate ./assets)", err)
			}
			img, err := png.Decode(bytes.NewReader(committed))
			if err != nil {
				t.Fatal(err)
			}
			want := f.Draw()
			got, ok := img.(*image.NRGBA)
			if !ok {
				t.Fatalf("decoded as %T, want *image.NRGBA", img)
			}
			if got.Bounds() != want.Bounds() {
				t.Fatalf("size %v, generator draws %v", got.Bounds(), want.Bounds())
			}
			if !bytes.Equal(got.Pix, want.Pix) {
				t.Fatal("pixels differ from the generator: run go generate ./assets")
			}
		})
	}
}

func TestIcons(t *testing.T) {
	for _, size := range AppSizes() {
		b, err := AppIconSize(size)
		if err != nil {
			t.Fatal(err)
		}
		checkIcon(t, b, size, false)
	}
	checkIcon(t, AppIcon(), 512, false)
	for _, st := range []TrayState{TrayWaiting, TrayEarning, TrayPaused, TrayError} {
		for _, size := range TraySizes() {
			b, err := TrayIcon(st, size)
			if err != nil {
				t.Fatal(err)
			}
			checkIcon(t, b, size, st != TrayWaiting)
		}
	}
}

func TestTrayIconsDiffer(t *testing.T) {
	seen := map[string]TrayState{}
	for _, st := range []TrayState{TrayWaiting, TrayEarning, TrayPaused, TrayError} {
		b, _ := TrayIcon(st, 22)
		if prev, dup := seen[string(b)]; dup {
			t.Fatalf("%v and %v share one icon", st, prev)
		}
		seen[string(b)] = st
	}
}

func TestBadRequests(t *testing.T) {
	if _, err := AppIconSize(17); err == nil {
		t.Error("a size never drawn was served")
	}
	if _, err := TrayIcon(TrayState(9), 22); err == nil {
		t.Error("an unknown state was served")
	}
	if _, err := TrayIcon(TrayEarning, 1000); err == nil {
		t.Error("a tray size never drawn was served")
	}
	if got := TrayState(9).String(); got != "TrayState(9)" {
		t.Errorf("String = %q", got)
	}
}

// checkIcon decodes an icon and checks it is a real mark: the right size,
// transparent corners, an opaque centre, and both the mark's colour and
// white present (the H). solidCentre is false for hollow icons.
func checkIcon(t *testing.T, b []byte, size int, solidCentre bool) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, size, size) {
		t.Fatalf("bounds %v, want %dx%d", img.Bounds(), size, size)
	}
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("%d px: corner is not transparent", size)
	}
	var opaque, whiteish, coloured int
	for y := range size {
		for x := range size {
			r, g, bl, a := img.At(x, y).RGBA()
			if a < 0xf000 {
				continue
			}
			opaque++
			if r > 0xf000 && g > 0xf000 && bl > 0xf000 {
				whiteish++
			} else {
				coloured++
			}
		}
	}
	area := size * size
	if opaque < area/4 && solidCentre {
		t.Errorf("%d px: only %d of %d pixels opaque", size, opaque, area)
	}
	if coloured == 0 {
		t.Errorf("%d px: no coloured pixels", size)
	}
	if solidCentre && whiteish < area/50 {
		t.Errorf("%d px: the white H is missing (%d white pixels)", size, whiteish)
	}
}
