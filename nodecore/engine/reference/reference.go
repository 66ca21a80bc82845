// Package reference is the reference engine: a small deterministic CPU
// engine that stands in for real inference servers where none can run
// (no GPU, no image registry). Images are procedural pictures drawn from
// the prompt and the seed; texts are assembled from the prompt and the
// seed. Its output is synthetic, says so in every image and text, and is
// never presented as real inference.
package reference

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// Label names the engine wherever its output is shown.
const Label = "reference engine (synthetic output)"

// Engine is the reference engine. The zero value is honest and exact.
type Engine struct {
	// NoisePixels, when set, flips this many pixels of each image at
	// positions drawn from NoiseSeed: two nodes with different seeds then
	// produce images that differ slightly, as real GPUs do, exercising the
	// similarity threshold.
	NoisePixels int
	NoiseSeed   uint64
	// Work, when set, is how long each run takes, as a GPU's inference
	// would (the output does not depend on it); closing the context ends
	// the wait.
	Work time.Duration
}

// Name returns Label.
func (Engine) Name() string { return Label }

// Run produces the output for a, deterministically.
func (e Engine) Run(ctx context.Context, a engine.Args) (engine.Output, error) {
	if err := a.Validate(); err != nil {
		return engine.Output{}, err
	}
	if len(a.Workflow) > 0 {
		return engine.Output{}, fmt.Errorf("%w: the reference engine runs simple requests, not workflows", engine.ErrBadArgs)
	}
	if e.Work > 0 {
		t := time.NewTimer(e.Work)
		select {
		case <-ctx.Done():
			t.Stop()
			return engine.Output{}, ctx.Err()
		case <-t.C:
		}
	}
	switch a.Kind {
	case engine.KindImage:
		out := engine.Output{}
		for i := range a.Count {
			if err := ctx.Err(); err != nil {
				return engine.Output{}, err
			}
			img := Picture(a.Prompt, a.Seed+int64(i), a.Width, a.Height)
			if e.NoisePixels > 0 {
				addNoise(img, e.NoisePixels, e.NoiseSeed+uint64(i))
			}
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				return engine.Output{}, err
			}
			out.Images = append(out.Images, b.Bytes())
		}
		return out, nil
	case engine.KindText:
		return engine.Output{Text: Text(a.Prompt, a.Seed, a.MaxTokens)}, nil
	}
	return engine.Output{}, fmt.Errorf("reference: unknown kind %q", a.Kind)
}

// rng returns the generator for a prompt and seed.
func rng(prompt string, seed int64) (*rand.Rand, [32]byte) {
	h := sha256.Sum256([]byte(prompt))
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), uint64(seed))), h
}

// Picture draws the image for a prompt and seed: a gradient and shapes in
// colours taken from the prompt, laid out by the seed, with the prompt
// and the engine's label written on it.
func Picture(prompt string, seed int64, w, h int) *image.RGBA {
	r, ph := rng(prompt, seed)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top := color.RGBA{ph[0], ph[1], ph[2], 255}
	bottom := color.RGBA{ph[3], ph[4], ph[5], 255}
	for y := range h {
		t := float64(y) / float64(max(h-1, 1))
		c := color.RGBA{mix(top.R, bottom.R, t), mix(top.G, bottom.G, t), mix(top.B, bottom.B, t), 255}
		draw.Draw(img, image.Rect(0, y, w, y+1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	shapes := 6 + r.IntN(7)
	for range shapes {
		c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), ph[6+r.IntN(20)], 255}
		cx, cy := r.IntN(w), r.IntN(h)
		size := (min(w, h) / 10) + r.IntN(min(w, h)/3)
		if r.IntN(2) == 0 {
			fillCircle(img, cx, cy, size/2, c)
		} else {
			draw.Draw(img, image.Rect(cx-size/2, cy-size/3, cx+size/2, cy+size/3), image.NewUniform(c), image.Point{}, draw.Over)
		}
	}
	writeText(img, 8, 16, wrap(prompt, max((w-16)/7, 8), 3))
	writeText(img, 8, h-8, []string{Label})
	return img
}

func mix(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t) }

func fillCircle(img *image.RGBA, cx, cy, rad int, c color.RGBA) {
	b := img.Bounds()
	for y := max(cy-rad, b.Min.Y); y < min(cy+rad, b.Max.Y); y++ {
		for x := max(cx-rad, b.Min.X); x < min(cx+rad, b.Max.X); x++ {
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy <= rad*rad {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// writeText writes lines in white on a dark shadow from (x, y) down.
func writeText(img *image.RGBA, x, y int, lines []string) {
	for i, line := range lines {
		for _, pass := range []struct {
			dx  int
			col color.Color
		}{{1, color.Black}, {0, color.White}} {
			d := font.Drawer{
				Dst:  img,
				Src:  image.NewUniform(pass.col),
				Face: basicfont.Face7x13,
				Dot:  fixed.P(x+pass.dx, y+pass.dx+i*14),
			}
			d.DrawString(line)
		}
	}
}

// wrap breaks s into at most n lines of at most width characters.
func wrap(s string, width, n int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		if len(lines) == n {
			return lines
		}
	}
	if line != "" && len(lines) < n {
		lines = append(lines, line)
	}
	return lines
}

func addNoise(img *image.RGBA, pixels int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x6e6f697365))
	b := img.Bounds()
	for range pixels {
		x, y := b.Min.X+r.IntN(b.Dx()), b.Min.Y+r.IntN(b.Dy())
		c := img.RGBAAt(x, y)
		img.SetRGBA(x, y, color.RGBA{255 - c.R, 255 - c.G, 255 - c.B, 255})
	}
}

var words = strings.Fields(`the a network node graphics card while away owner returns
instantly tokens earned task prompt model image text seed chain commit disclose
score validated honest result relay quiet evening light river mountain city
signal lantern harbor meadow orbit electron hydrogen bright calm swift steady`)

// Text assembles the text for a prompt and seed: at most maxTokens words.
func Text(prompt string, seed int64, maxTokens int) string {
	r, _ := rng(prompt, seed)
	n := min(maxTokens, 12+r.IntN(48))
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s:", Label, strings.TrimSpace(prompt))
	for range n {
		b.WriteByte(' ')
		b.WriteString(words[r.IntN(len(words))])
	}
	b.WriteByte('.')
	return b.String()
}
