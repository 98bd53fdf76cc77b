package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/units"
)

// Sweep charts are small multiples: for each knob, one chart per kind of
// transport, each on its own capacity scale, with the setting on x (log
// scale where it spans a factor of 8). A series that follows the knob
// rises, one that ignores it is flat; one whose repeats spread is drawn
// as its range, a band, and its legend says how the sweep read.

type dot struct {
	X, Y  float64
	Title string
}

type series struct {
	Name, Color, Points, Dash string
	Band                      string // polygon of the repeats' least to most, where they differ
	Dots                      []dot
}

// sweepPanel is one kind's chart of one knob.
type sweepPanel struct {
	Title                         string
	Width, Height, X0, X1, Y0, Y1 float64
	XLabelX, XLabelY              float64
	XLabel                        string
	XTicks, YTicks                []tick
	Series                        []series
	Legend                        []legendItem
}

// sweepGroup is one knob's charts.
type sweepGroup struct {
	Title  string
	Panels []sweepPanel
}

const (
	panelW = 420.0
	panelH = 250.0
)

// kindTitles name a chart by the kind of its transports.
var kindTitles = map[string]string{"tcp": "TCP", "unix": "Unix sockets", "pipe": "pipes", "relay": "relays",
	"tls": "TLS", "memory": "in-memory", "custom": "custom transports", "": "other"}

// sweepCharts groups the sweeps by knob, then by kind, in column order.
func (r *Report) sweepCharts() []sweepGroup {
	col := indexOf(r.Columns(), func(t Transport) string { return t.Name + "@" + t.Env })
	kind := map[string]string{}
	for _, t := range r.Transports {
		kind[t.Name+"@"+t.Env] = t.Kind
	}
	ss := slices.DeleteFunc(slices.Clone(r.Sweeps), func(s Sweep) bool { return len(s.Points) == 0 })
	slices.SortStableFunc(ss, func(a, b Sweep) int {
		return cmp.Compare(col[a.Transport+"@"+a.Env], col[b.Transport+"@"+b.Env])
	})
	var out []sweepGroup
	var knobs []string
	for _, s := range ss {
		if !slices.Contains(knobs, s.Knob) {
			knobs = append(knobs, s.Knob)
		}
	}
	for _, k := range knobs {
		g := sweepGroup{Title: "accepted bytes against " + k}
		var kinds []string
		byKind := map[string][]Sweep{}
		for _, s := range ss {
			if s.Knob != k {
				continue
			}
			kd := kind[s.Transport+"@"+s.Env]
			if _, ok := byKind[kd]; !ok {
				kinds = append(kinds, kd)
			}
			byKind[kd] = append(byKind[kd], s)
		}
		for _, kd := range kinds {
			g.Panels = append(g.Panels, r.sweepPanel(k, cmp.Or(kindTitles[kd], kd), byKind[kd]))
		}
		out = append(out, g)
	}
	return out
}

// extent is the least and most of a point's repeats (its median alone
// when it was not repeated).
func extent(p measure.SweepPoint) (lo, hi int64) {
	if len(p.Samples) == 0 {
		return p.AcceptedBytes, p.AcceptedBytes
	}
	return slices.Min(p.Samples), slices.Max(p.Samples)
}

func (r *Report) sweepPanel(knob, title string, ss []Sweep) sweepPanel {
	c := sweepPanel{Title: title, XLabel: knob, Width: panelW, X0: 66, X1: panelW - 40}
	c.Y0 = 26 + 15*float64(len(ss)) // below the legend
	c.Y1 = c.Y0 + 150
	c.Height = c.Y1 + 46
	c.XLabelX, c.XLabelY = (c.X0+c.X1)/2, c.Y1+38
	var settings []int64
	var lo, hi, top int64 = math.MaxInt64, 0, 1
	for _, s := range ss {
		for _, p := range s.Points {
			if !slices.Contains(settings, p.Setting) {
				settings = append(settings, p.Setting)
			}
			_, most := extent(p)
			lo, hi, top = min(lo, p.Setting), max(hi, p.Setting), max(top, most, p.AcceptedBytes)
		}
	}
	slices.Sort(settings)
	logX := lo > 0 && hi >= 8*lo
	xOf := func(v int64) float64 {
		var f float64
		switch {
		case hi == lo:
			f = 0.5
		case logX:
			f = math.Log2(float64(v)/float64(lo)) / math.Log2(float64(hi)/float64(lo))
		default:
			f = float64(v-lo) / float64(hi-lo)
		}
		return round1(c.X0 + f*(c.X1-c.X0))
	}
	step := niceStep(top, 4)
	top = (top + step - 1) / step * step
	yOf := func(n int64) float64 { return round1(c.Y1 - float64(n)/float64(top)*(c.Y1-c.Y0)) }
	for v := int64(0); v <= top; v += step {
		c.YTicks = append(c.YTicks, tick{X: c.X0 - 6, Y: yOf(v), Label: units.Short(v)})
	}
	every := max(1, (len(settings)+4)/5)
	for i, v := range settings {
		if i%every == 0 || i == len(settings)-1 {
			c.XTicks = append(c.XTicks, tick{X: xOf(v), Y: c.Y1 + 16, Label: units.Short(v)})
		}
	}
	for i, s := range ss {
		name := r.Label(Transport{Name: s.Transport, Env: s.Env})
		se := series{Name: name, Color: palette[i%len(palette)], Dash: []string{"", "7 4", "2 3"}[i%3]}
		pts := slices.Clone(s.Points)
		slices.SortFunc(pts, func(a, b measure.SweepPoint) int { return cmp.Compare(a.Setting, b.Setting) })
		var line, upper, lower []string
		spread := false
		for _, p := range pts {
			x, y := xOf(p.Setting), yOf(p.AcceptedBytes)
			least, most := extent(p)
			spread = spread || least != most
			line = append(line, fmt.Sprintf("%v,%v", x, y))
			upper = append(upper, fmt.Sprintf("%v,%v", x, yOf(most)))
			lower = append([]string{fmt.Sprintf("%v,%v", x, yOf(least))}, lower...)
			title := fmt.Sprintf("%s, %s = %s: %s accepted", name, knob, pointLabel(knob, p), units.Bytes(p.AcceptedBytes))
			if least != most {
				title += fmt.Sprintf(" (median of %s: %s)", units.Count(len(p.Samples), "repeat", "repeats"), units.BytesRange(least, most, units.Bytes))
			}
			se.Dots = append(se.Dots, dot{X: x, Y: y, Title: title})
		}
		se.Points = strings.Join(line, " ")
		if spread {
			se.Band = strings.Join(append(upper, lower...), " ")
		}
		c.Series = append(c.Series, se)
		label := name + ": " + s.Response()
		if spread {
			label += ", repeats as a band"
		}
		c.Legend = append(c.Legend, legend(c.X0, 4+15*float64(i), se.Color, label))
	}
	return c
}
