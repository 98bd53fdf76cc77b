package report

import (
	"fmt"
	"math"

	"github.com/streamspec/streamspec/internal/units"
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
