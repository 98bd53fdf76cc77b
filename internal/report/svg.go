package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/streamspec/streamspec/internal/units"

	"github.com/streamspec/streamspec/internal/measure"
)

// Chart geometry for the HTML page, computed here so the template only
// places elements. Coordinates are SVG user units.

// Palette is Okabe and Ito's colour-blind-safe set.
var palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"}

// Colours of the capacity segments.
const (
	colUnsent   = "#e69f00"
	colInFlight = "#56b4e9"
	colReceiver = "#009e73"
	colOther    = "#bbbbbb"
)

type tick struct {
	X, Y  float64
	Label string
}

type legendItem struct {
	X, Y, TX, TY float64 // swatch and text
	Color, Label string
}

func legend(x, y float64, color, label string) legendItem {
	return legendItem{X: x, Y: y, TX: x + 16, TY: y + 10, Color: color, Label: label}
}

type barSeg struct {
	X, Y, W      float64
	Color, Title string
}

type barRow struct {
	Label        string
	Y, TextY     float64
	Segs         []barSeg
	Accepted     int64  // what the segments add up to; the test reads it
	Total        string // the accepted bytes, as the label says them
	TotalX       float64
	Range        *rangeMark // the samples' least to most, when they differ
	Note         string     // what no segment shows: a sender's charge, overcounting
	NoteX        float64
	Title        string
	Unattributed bool
}

// rangeMark is a whisker from the least to the most of a bar's samples.
type rangeMark struct {
	X1, X2, Y float64
	Title     string
}

// barChart is a horizontal stacked bar per transport.
type barChart struct {
	Width, Height, X0, X1, Top, Bottom, LabelX float64
	Rows                                       []barRow
	Ticks                                      []byteTick
	Legend                                     []legendItem
}

// byteTick is an axis tick at a byte count.
type byteTick struct {
	tick
	Bytes int64
}

const (
	chartW   = 960.0
	barH     = 18.0
	barGap   = 10.0
	labelW   = 190.0
	legendH  = 26.0
	axisH    = 22.0
	totalPad = 300.0 // the total, its range and a note after the longest bar
)

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// capacityChart draws the capacity bars on one scale. Each bar is the
// accepted bytes, split into the disjoint places they were (Parts); a
// counter that counts bytes another segment already shows is a note.
func capacityChart(bars []CapacityBar) *barChart {
	if len(bars) == 0 {
		return nil
	}
	var top int64 = 1
	for _, b := range bars {
		top = max(top, b.AcceptedBytes, b.Max)
	}
	step := niceStep(top, 5)
	top = (top + step - 1) / step * step
	c := &barChart{Width: chartW, X0: labelW, X1: chartW - totalPad, Top: legendH, LabelX: labelW - 8}
	scale := func(n int64) float64 { return round1(c.X0 + float64(n)/float64(top)*(c.X1-c.X0)) }
	for i, item := range []struct{ color, label string }{
		{colUnsent, "sender queue (not yet sent)"}, {colInFlight, "in flight (unacknowledged)"},
		{colReceiver, "receiver queue (unread)"}, {colOther, "not attributed"},
	} {
		c.Legend = append(c.Legend, legend(float64(i)*190, 4, item.color, item.label))
	}
	y := c.Top
	for _, b := range bars {
		parts := b.Parts()
		row := barRow{Label: b.Label, Y: y, TextY: y + barH - 5, Accepted: b.AcceptedBytes, Total: units.Short(b.AcceptedBytes),
			Title: fmt.Sprintf("%s: %s accepted before Write blocked (%s)", b.Label, units.Bytes(b.AcceptedBytes), b.Method)}
		x := int64(0)
		for _, s := range []struct {
			n            int64
			color, title string
		}{
			{parts.Unsent, colUnsent, "sender queue, not yet sent"}, {parts.InFlight, colInFlight, "in flight, unacknowledged"},
			{parts.Receiver, colReceiver, "receiver queue, unread"}, {parts.Unattributed, colOther, "not attributed to a queue"},
		} {
			if s.n <= 0 {
				continue
			}
			row.Segs = append(row.Segs, barSeg{X: scale(x), Y: y, W: round1(scale(x+s.n) - scale(x)), Color: s.color,
				Title: fmt.Sprintf("%s: %s %s", b.Label, units.Bytes(s.n), s.title)})
			x += s.n
		}
		end := scale(x)
		if b.Samples > 1 && b.Min != b.Max {
			row.Range = &rangeMark{X1: scale(b.Min), X2: scale(b.Max), Y: y + barH/2,
				Title: fmt.Sprintf("%s: %s accepted on %s", b.Label, units.BytesRange(b.Min, b.Max, units.Bytes), units.Count(b.Samples, "fresh pair", "fresh pairs"))}
			row.Total += " (" + units.BytesRange(b.Min, b.Max, units.Short) + ")"
			end = max(end, scale(b.Max))
		}
		row.TotalX = end + 6
		row.NoteX = row.TotalX + 7*float64(len([]rune(row.Total))) + 10
		switch {
		case parts.Charged > 0:
			row.Note = fmt.Sprintf("sender charged %s for them", units.Short(parts.Charged))
			row.Title += fmt.Sprintf("; the sender's counter charges %s for these bytes (payload plus overhead), which sit in the receiver's queue", units.Bytes(parts.Charged))
		case parts.Overcounted > 0:
			row.Note = fmt.Sprintf("counters exceed it by %s", units.Short(parts.Overcounted))
		}
		row.Unattributed = parts.Unattributed > 0
		c.Rows = append(c.Rows, row)
		y += barH + barGap
	}
	c.Bottom = y
	for v := int64(0); v <= top; v += step {
		c.Ticks = append(c.Ticks, byteTick{tick{X: scale(v), Y: y + 14, Label: units.Short(v)}, v})
	}
	c.Height = y + axisH
	return c
}

// niceStep is a power of two near top/n, so axis labels are round in
// binary units.
func niceStep(top int64, n int64) int64 {
	step := int64(1)
	for step*n < top {
		step *= 2
	}
	return step
}

type dot struct {
	X, Y  float64
	Title string
}

type series struct {
	Name, Color, Points string
	Dots                []dot
}

// lineChart is one knob's sweep: accepted bytes against the setting, a
// line per transport.
type lineChart struct {
	Title                         string
	Width, Height, X0, X1, Y0, Y1 float64
	XLabelX, XLabelY              float64
	XTicks, YTicks                []tick
	Series                        []series
	Legend                        []legendItem
	XLabel                        string
}

// sweepCharts draws one chart per knob, with every transport swept on it.
func (r *Report) sweepCharts() []lineChart {
	var knobs []string
	for _, s := range r.Sweeps {
		if !slices.Contains(knobs, s.Knob) {
			knobs = append(knobs, s.Knob)
		}
	}
	var out []lineChart
	for _, k := range knobs {
		var ss []Sweep
		for _, s := range r.Sweeps {
			if s.Knob == k && len(s.Points) > 0 {
				ss = append(ss, s)
			}
		}
		if len(ss) > 0 {
			out = append(out, r.sweepChart(k, ss))
		}
	}
	return out
}

func (r *Report) sweepChart(knob string, ss []Sweep) lineChart {
	c := lineChart{Title: "accepted bytes against " + knob, XLabel: knob, Width: chartW, X0: 78, X1: chartW - 20}
	c.Y0 = 24 + 16*float64((len(ss)+4)/5) // below the legend
	c.Y1 = c.Y0 + 240
	c.Height = c.Y1 + 44
	c.XLabelX, c.XLabelY = (c.X0+c.X1)/2, c.Y1+36
	// A knob whose points all have labels is categorical; otherwise the
	// x axis is the setting, logarithmic when it spans a factor of 8.
	var categories []string
	var lo, hi, top int64 = math.MaxInt64, 0, 1
	categorical := true
	for _, s := range ss {
		for _, p := range s.Points {
			if p.Label == "" {
				categorical = false
			} else if !slices.Contains(categories, p.Label) {
				categories = append(categories, p.Label)
			}
			lo, hi, top = min(lo, p.Setting), max(hi, p.Setting), max(top, p.AcceptedBytes)
		}
	}
	logX := !categorical && lo > 0 && hi >= 8*lo
	xOf := func(p measure.SweepPoint) float64 {
		var f float64
		switch {
		case categorical:
			f = (float64(slices.Index(categories, p.Label)) + 0.5) / float64(len(categories))
		case hi == lo:
			f = 0.5
		case logX:
			f = math.Log2(float64(p.Setting)/float64(lo)) / math.Log2(float64(hi)/float64(lo))
		default:
			f = float64(p.Setting-lo) / float64(hi-lo)
		}
		return round1(c.X0 + f*(c.X1-c.X0))
	}
	step := niceStep(top, 5)
	top = (top + step - 1) / step * step
	yOf := func(n int64) float64 { return round1(c.Y1 - float64(n)/float64(top)*(c.Y1-c.Y0)) }
	for v := int64(0); v <= top; v += step {
		c.YTicks = append(c.YTicks, tick{X: c.X0 - 6, Y: yOf(v), Label: units.Short(v)})
	}
	switch {
	case categorical:
		for _, l := range categories {
			c.XTicks = append(c.XTicks, tick{X: xOf(measure.SweepPoint{Label: l}), Y: c.Y1 + 16, Label: l})
		}
	default:
		c.XTicks = settingTicks(lo, hi, logX, func(v int64) float64 { return xOf(measure.SweepPoint{Setting: v}) }, c.Y1+16, knob)
	}
	for i, s := range ss {
		name := r.Label(Transport{Name: s.Transport, Env: s.Env})
		color := palette[i%len(palette)]
		se := series{Name: name, Color: color}
		pts := slices.Clone(s.Points)
		if !categorical {
			slices.SortFunc(pts, func(a, b measure.SweepPoint) int { return cmp.Compare(a.Setting, b.Setting) })
		}
		for j, p := range pts {
			x, y := xOf(p), yOf(p.AcceptedBytes)
			if j > 0 {
				se.Points += " "
			}
			se.Points += fmt.Sprintf("%v,%v", x, y)
			se.Dots = append(se.Dots, dot{X: x, Y: y, Title: fmt.Sprintf("%s, %s = %s: %s accepted", name, knob, pointLabel(knob, p), units.Bytes(p.AcceptedBytes))})
		}
		c.Series = append(c.Series, se)
		c.Legend = append(c.Legend, legend(c.X0+float64(i%5)*136, 4+float64(i/5)*16, color, name))
	}
	return c
}

// settingTicks places about six ticks on the setting axis: powers of two
// on a log axis, round steps on a linear one.
func settingTicks(lo, hi int64, logX bool, x func(int64) float64, y float64, knob string) []tick {
	label := func(v int64) string { return pointLabel(knob, measure.SweepPoint{Setting: v}) }
	var out []tick
	if hi == lo {
		return []tick{{X: x(lo), Y: y, Label: label(lo)}}
	}
	if logX {
		p := int64(1)
		for p < lo {
			p *= 2
		}
		var all []int64
		for ; p <= hi; p *= 2 {
			all = append(all, p)
		}
		every := max(1, (len(all)+5)/6)
		for i, v := range all {
			if i%every == 0 {
				out = append(out, tick{X: x(v), Y: y, Label: label(v)})
			}
		}
		return out
	}
	step := niceStep(hi-lo, 5)
	for v := lo; v <= hi; v += step {
		out = append(out, tick{X: x(v), Y: y, Label: label(v)})
	}
	return out
}
