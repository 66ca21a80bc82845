package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// barChart draws bars scaled to the tallest, with sparse labels under
// them; the scale's amount is written at the top left.
type barChart struct {
	widget.BaseWidget
	bars  []Bar
	scale string
}

func newBarChart() *barChart {
	c := &barChart{}
	c.ExtendBaseWidget(c)
	return c
}

// set replaces the bars.
func (c *barChart) set(bars []Bar, scale string) {
	c.bars, c.scale = bars, scale
	c.Refresh()
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{c: c, scale: canvas.NewText("", theme.Color(theme.ColorNameForeground)), axis: canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))}
	r.scale.TextSize = theme.CaptionTextSize()
	r.rebuild()
	return r
}

type chartRenderer struct {
	c      *barChart
	rects  []*canvas.Rectangle
	labels []*canvas.Text
	scale  *canvas.Text
	axis   *canvas.Rectangle
}

const chartLabelHeight = 16

func (r *chartRenderer) rebuild() {
	r.rects, r.labels = r.rects[:0], r.labels[:0]
	fill := theme.Color(theme.ColorNamePrimary)
	for _, b := range r.c.bars {
		rect := canvas.NewRectangle(fill)
		if b.Value == 0 {
			rect.FillColor = color.Transparent
		}
		r.rects = append(r.rects, rect)
		l := canvas.NewText(b.Label, theme.Color(theme.ColorNameForeground))
		l.TextSize = theme.CaptionTextSize()
		r.labels = append(r.labels, l)
	}
	r.scale.Text = r.c.scale
}

func (r *chartRenderer) Layout(size fyne.Size) {
	n := len(r.rects)
	top := r.scale.MinSize().Height
	plot := size.Height - chartLabelHeight - top
	r.scale.Move(fyne.NewPos(0, 0))
	r.axis.Move(fyne.NewPos(0, top+plot))
	r.axis.Resize(fyne.NewSize(size.Width, 1))
	if n == 0 {
		return
	}
	slot := size.Width / float32(n)
	gap := slot * 0.2
	for i, rect := range r.rects {
		h := float32(r.c.bars[i].Value) * plot
		if r.c.bars[i].Value > 0 && h < 1 {
			h = 1
		}
		rect.Move(fyne.NewPos(float32(i)*slot+gap/2, top+plot-h))
		rect.Resize(fyne.NewSize(slot-gap, h))
		x := min(float32(i)*slot, size.Width-r.labels[i].MinSize().Width) // the last label stays inside
		r.labels[i].Move(fyne.NewPos(max(0, x), top+plot+2))
	}
}

func (r *chartRenderer) MinSize() fyne.Size { return fyne.NewSize(200, 120) }

func (r *chartRenderer) Refresh() {
	r.rebuild()
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *chartRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.axis, r.scale}
	for _, x := range r.rects {
		objs = append(objs, x)
	}
	for _, l := range r.labels {
		objs = append(objs, l)
	}
	return objs
}

func (r *chartRenderer) Destroy() {}
