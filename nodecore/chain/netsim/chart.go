package netsim

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// strategyColors: honest strategies in greens and blues, the others in
// warm colours.
var strategyColors = [numStrategies]color.RGBA{
	Honest:      {0x1b, 0x9e, 0x77, 0xff},
	Slow:        {0x66, 0xa6, 0x1e, 0xff},
	Flaky:       {0x37, 0x7e, 0xb8, 0xff},
	Lazy:        {0xe4, 0x1a, 0x1c, 0xff},
	Copier:      {0x98, 0x4e, 0xa3, 0xff},
	Claimer:     {0xff, 0x7f, 0x00, 0xff},
	Colluder:    {0xa6, 0x56, 0x28, 0xff},
	YieldAbuser: {0xe7, 0x29, 0x8a, 0xff},
}

// Chart draws each run's cumulative net profit per node of every
// strategy against the tasks finished, one panel per run, as a PNG.
func Chart(reps []*Report) ([]byte, error) {
	if len(reps) == 0 {
		return nil, fmt.Errorf("netsim: no runs to chart")
	}
	const w, h = 9 * vg.Inch, 5 * vg.Inch
	c := vgimg.PngCanvas{Canvas: vgimg.New(w, vg.Length(len(reps))*h)}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: len(reps), Cols: 1}
	for i, rep := range reps {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("cumulative net profit per node — %d nodes, colluders %.0f %%", rep.Config.Nodes, 100*rep.Config.Shares[Colluder])
		p.X.Label.Text = "tasks finished"
		p.Y.Label.Text = "coins per node"
		p.Legend.Left = true // bottom left: every line starts at zero, and the losers fall to the right
		p.Add(plotter.NewGrid())
		for st := range numStrategies {
			if rep.Rows[st].Nodes == 0 {
				continue
			}
			pts := make(plotter.XYs, 0, len(rep.Samples)+1)
			pts = append(pts, plotter.XY{})
			for _, smp := range rep.Samples {
				pts = append(pts, plotter.XY{X: float64(smp.Tasks), Y: smp.Net[st]})
			}
			line, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			line.Color = strategyColors[st]
			line.Width = vg.Points(1.5)
			if st == Honest {
				line.Width = vg.Points(3)
			}
			p.Add(line)
			p.Legend.Add(Strategy(st).String(), line)
		}
		p.Draw(tiles.At(dc, 0, i))
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
