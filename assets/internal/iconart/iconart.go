// Package iconart draws Hydrogen's mark: a white "H" (the element's symbol)
// inside an electron's orbit, on a blue tile for the app icon and on a
// state-coloured disc for the tray. Everything is drawn from geometry at
// the requested size, so each size is crisp rather than scaled.
package iconart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"golang.org/x/image/vector"
)

// Tray states; each has its own icon.
const (
	Earning = "earning" // the card is working for the network
	Waiting = "waiting" // the card is the owner's; waiting for them to be away
	Paused  = "paused"  // the owner paused earning
	Error   = "error"   // something needs the owner's attention
)

// TrayStates lists the tray states in a fixed order.
var TrayStates = []string{Earning, Waiting, Paused, Error}

// AppSizes are the sizes the app icon is drawn at.
var AppSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// TraySizes are the sizes tray icons are drawn at (22 and 44 for Linux
// panels at 1x and 2x, 16/32 for the Windows notification area, 64 spare).
var TraySizes = []int{16, 22, 32, 44, 64}

var (
	white     = color.RGBA{0xff, 0xff, 0xff, 0xff}
	tileTop   = color.RGBA{0x3b, 0x82, 0xf6, 0xff} // blue-500
	tileBot   = color.RGBA{0x1e, 0x3a, 0x8a, 0xff} // blue-900
	green     = color.RGBA{0x16, 0xa3, 0x4a, 0xff}
	blue      = color.RGBA{0x3b, 0x82, 0xf6, 0xff}
	slate     = color.RGBA{0x64, 0x74, 0x8b, 0xff}
	slateDark = color.RGBA{0x33, 0x41, 0x55, 0xff}
	red       = color.RGBA{0xdc, 0x26, 0x26, 0xff}
	yellow    = color.RGBA{0xfa, 0xcc, 0x15, 0xff}
	ink       = color.RGBA{0x1f, 0x29, 0x37, 0xff}
)

// canvas draws shapes given in units of the icon's side (0..1).
type canvas struct {
	img  *image.RGBA
	size float64
	snap bool // round edges to whole pixels (small sizes)
}

func newCanvas(size int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, size, size)), size: float64(size), snap: size <= 32}
}

// px converts a unit coordinate to pixels, snapped when small.
func (c *canvas) px(u float64) float32 {
	v := u * c.size
	if c.snap {
		v = math.Round(v)
	}
	return float32(v)
}

func (c *canvas) raster() *vector.Rasterizer {
	s := c.img.Bounds().Dx()
	return vector.NewRasterizer(s, s)
}

// fill paints the rasterized shape with src over the canvas.
func (c *canvas) fill(r *vector.Rasterizer, src image.Image) {
	r.Draw(c.img, c.img.Bounds(), src, image.Point{})
}

// erase makes the rasterized shape transparent (a cut-out around badges).
func (c *canvas) erase(r *vector.Rasterizer) {
	mask := image.NewAlpha(c.img.Bounds())
	r.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	for i, a := range mask.Pix {
		if a == 0 {
			continue
		}
		keep := uint32(255 - a)
		for k := range 4 {
			p := &c.img.Pix[i*4+k]
			*p = uint8(uint32(*p) * keep / 255)
		}
	}
}

func uniform(col color.Color) image.Image { return image.NewUniform(col) }

// rect adds an axis-aligned rectangle (clockwise).
func (c *canvas) rect(r *vector.Rasterizer, x0, y0, x1, y1 float64) {
	r.MoveTo(c.px(x0), c.px(y0))
	r.LineTo(c.px(x1), c.px(y0))
	r.LineTo(c.px(x1), c.px(y1))
	r.LineTo(c.px(x0), c.px(y1))
	r.ClosePath()
}

// kappa places cubic control points that approximate a quarter circle.
const kappa = 0.5522847498

// circle adds a circle; ccw reverses the winding to cut a hole.
func (c *canvas) circle(r *vector.Rasterizer, cx, cy, rad float64, ccw bool) {
	s := c.size
	x, y, k := float32(cx*s), float32(cy*s), float32(rad*s)
	q := k * kappa
	if !ccw {
		r.MoveTo(x+k, y)
		r.CubeTo(x+k, y+q, x+q, y+k, x, y+k)
		r.CubeTo(x-q, y+k, x-k, y+q, x-k, y)
		r.CubeTo(x-k, y-q, x-q, y-k, x, y-k)
		r.CubeTo(x+q, y-k, x+k, y-q, x+k, y)
	} else {
		r.MoveTo(x+k, y)
		r.CubeTo(x+k, y-q, x+q, y-k, x, y-k)
		r.CubeTo(x-q, y-k, x-k, y-q, x-k, y)
		r.CubeTo(x-k, y+q, x-q, y+k, x, y+k)
		r.CubeTo(x+q, y+k, x+k, y+q, x+k, y)
	}
	r.ClosePath()
}

// ring adds a circular band between rad-th/2 and rad+th/2.
func (c *canvas) ring(r *vector.Rasterizer, cx, cy, rad, th float64) {
	c.circle(r, cx, cy, rad+th/2, false)
	c.circle(r, cx, cy, rad-th/2, true)
}

// roundRect adds a rectangle with rounded corners of radius rad.
func (c *canvas) roundRect(r *vector.Rasterizer, x0, y0, x1, y1, rad float64) {
	s := float32(c.size)
	X0, Y0, X1, Y1, R := float32(x0)*s, float32(y0)*s, float32(x1)*s, float32(y1)*s, float32(rad)*s
	q := R * (1 - kappa)
	r.MoveTo(X0+R, Y0)
	r.LineTo(X1-R, Y0)
	r.CubeTo(X1-q, Y0, X1, Y0+q, X1, Y0+R)
	r.LineTo(X1, Y1-R)
	r.CubeTo(X1, Y1-q, X1-q, Y1, X1-R, Y1)
	r.LineTo(X0+R, Y1)
	r.CubeTo(X0+q, Y1, X0, Y1-q, X0, Y1-R)
	r.LineTo(X0, Y0+R)
	r.CubeTo(X0, Y0+q, X0+q, Y0, X0+R, Y0)
	r.ClosePath()
}

// hGlyph describes the letter H: its box and stroke widths, in units.
type hGlyph struct{ cx, cy, w, h, stem, bar float64 }

// add adds the H as three rectangles: two stems and the crossbar.
func (g hGlyph) add(c *canvas, r *vector.Rasterizer) {
	x0, x1 := g.cx-g.w/2, g.cx+g.w/2
	y0, y1 := g.cy-g.h/2, g.cy+g.h/2
	c.rect(r, x0, y0, x0+g.stem, y1)
	c.rect(r, x1-g.stem, y0, x1, y1)
	c.rect(r, x0+g.stem, g.cy-g.bar/2, x1-g.stem, g.cy+g.bar/2)
}

// App draws the application icon at size×size pixels.
func App(size int) *image.RGBA {
	c := newCanvas(size)
	grad := verticalGradient(size, tileTop, tileBot)

	r := c.raster()
	c.roundRect(r, 0.04, 0.04, 0.96, 0.96, 0.22)
	c.fill(r, grad)

	if size <= 32 {
		// Too small for the orbit: a bold H alone.
		r = c.raster()
		hGlyph{0.5, 0.5, 0.56, 0.56, 0.19, 0.16}.add(c, r)
		c.fill(r, uniform(white))
		return c.img
	}
	r = c.raster()
	hGlyph{0.5, 0.5, 0.30, 0.36, 0.085, 0.075}.add(c, r)
	c.fill(r, uniform(white))

	// The electron's orbit, broken where the electron sits.
	const orbit, th = 0.345, 0.038
	ex, ey := 0.5+orbit*math.Cos(-math.Pi/4), 0.5+orbit*math.Sin(-math.Pi/4)
	r = c.raster()
	c.ring(r, 0.5, 0.5, orbit, th)
	c.fill(r, uniform(color.NRGBA{0xff, 0xff, 0xff, 0xb8}))
	r = c.raster()
	c.circle(r, ex, ey, 0.1, false)
	c.fill(r, grad)
	r = c.raster()
	c.circle(r, ex, ey, 0.062, false)
	c.fill(r, uniform(white))
	return c.img
}

// Tray draws the tray icon for a state at size×size pixels. Each state
// differs in shape as well as colour, for colour-blind owners: earning is
// a filled green disc, waiting a hollow blue ring, paused a grey disc with
// a pause badge, error a red disc with a "!" badge.
func Tray(state string, size int) *image.RGBA {
	c := newCanvas(size)
	h := hGlyph{0.5, 0.5, 0.48, 0.5, 0.15, 0.13}
	switch state {
	case Waiting:
		th := max(0.11, 1.6/float64(size))
		r := c.raster()
		c.ring(r, 0.5, 0.5, 0.47-th/2, th)
		h.add(c, r)
		c.fill(r, uniform(blue))
		return c.img
	case Earning:
		c.disc(green, h)
	case Paused:
		c.disc(slate, h)
		c.badge(slateDark, func(r *vector.Rasterizer) {
			c.rect(r, 0.665, 0.64, 0.725, 0.88)
			c.rect(r, 0.795, 0.64, 0.855, 0.88)
		}, white)
	case Error:
		c.disc(red, h)
		c.badge(yellow, func(r *vector.Rasterizer) {
			c.rect(r, 0.73, 0.6, 0.79, 0.8)
			c.rect(r, 0.73, 0.84, 0.79, 0.9)
		}, ink)
	default:
		panic("iconart: unknown tray state " + state)
	}
	return c.img
}

// disc draws a filled disc of col with a white H.
func (c *canvas) disc(col color.RGBA, h hGlyph) {
	r := c.raster()
	c.circle(r, 0.5, 0.5, 0.47, false)
	c.fill(r, uniform(col))
	r = c.raster()
	h.add(c, r)
	c.fill(r, uniform(white))
}

// badge cuts a gap in the lower right corner and draws a small disc of
// col there with a glyph in glyphCol.
func (c *canvas) badge(col color.RGBA, glyph func(*vector.Rasterizer), glyphCol color.RGBA) {
	const bx, by, br = 0.76, 0.76, 0.24
	r := c.raster()
	c.circle(r, bx, by, br+0.06, false)
	c.erase(r)
	r = c.raster()
	c.circle(r, bx, by, br, false)
	c.fill(r, uniform(col))
	r = c.raster()
	glyph(r)
	c.fill(r, uniform(glyphCol))
}

// verticalGradient returns a size×size image blending from top to bottom.
func verticalGradient(size int, top, bottom color.RGBA) image.Image {
	g := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		t := float64(y) / float64(max(size-1, 1))
		col := color.RGBA{
			R: lerp(top.R, bottom.R, t),
			G: lerp(top.G, bottom.G, t),
			B: lerp(top.B, bottom.B, t),
			A: 0xff,
		}
		draw.Draw(g, image.Rect(0, y, size, y+1), image.NewUniform(col), image.Point{}, draw.Src)
	}
	return g
}

func lerp(a, b uint8, t float64) uint8 {
	return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t))
}

// File is one icon file of the assets directory.
type File struct {
	Path string // relative to assets/, slash-separated
	Draw func() *image.NRGBA
}

// Files lists every icon file the assets directory holds.
func Files() []File {
	var fs []File
	for _, s := range AppSizes {
		fs = append(fs, File{fmt.Sprintf("icon/hydrogen-%d.png", s), func() *image.NRGBA { return toNRGBA(App(s)) }})
	}
	fs = append(fs, File{"icon.png", func() *image.NRGBA { return toNRGBA(App(512)) }})
	for _, st := range TrayStates {
		for _, s := range TraySizes {
			fs = append(fs, File{fmt.Sprintf("tray/%s-%d.png", st, s), func() *image.NRGBA { return toNRGBA(Tray(st, s)) }})
		}
	}
	return fs
}

// toNRGBA converts to straight alpha, which PNG stores, so that encoding
// and decoding give back exactly these pixels.
func toNRGBA(img *image.RGBA) *image.NRGBA {
	n := image.NewNRGBA(img.Bounds())
	draw.Draw(n, n.Bounds(), img, img.Bounds().Min, draw.Src)
	return n
}

// EncodePNG encodes img as a PNG, the same bytes every time.
func EncodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
