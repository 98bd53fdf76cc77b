package report

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/streamspec/streamspec/internal/units"
)

//go:embed html.tmpl
var pageSource string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"bytes": units.Bytes,
	"join":  func(s []string) string { return strings.Join(s, ", ") },
	"bind":  units.Bind,
	"add":   func(a, b float64) float64 { return a + b },
	"sub":   func(a, b float64) float64 { return a - b },
}).Parse(pageSource))

// htmlCell is one matrix cell: a CSS class for its colour, a short text
// and the full detail for the tooltip.
type htmlCell struct {
	Class, Text, Title string
}

type htmlRow struct {
	Behaviour
	Cells    []htmlCell
	Row      Row
	Verdicts string // row verdict plus untested note
}

type htmlArea struct {
	Name string
	Rows []htmlRow
}

type htmlHead struct {
	Label, Kind, Title string
	Span               int
	Reference          bool
}

type htmlFailure struct {
	Behaviour, Column, Reason, Location string
}

type htmlPage struct {
	R                   *Report
	DiffersFromInferred string
	Transports          []htmlHead // first heading row: transports, spanning their environments
	Envs                []string   // second heading row, when several environments
	Columns             []Transport
	Areas               []htmlArea
	Bars                *barChart
	Capacities          [][]string // the table's rows, the heading first
	CapacityNotes       []string
	Sweeps              []sweepGroup
	Failures            []htmlFailure
	Unexpected          []htmlFailure // results that differ from an inferred expectation: the reason is how, with the source
	Width               int           // matrix columns: behaviour, class, transports, verdict
}

// HTML writes a single self-contained page: the matrix with coloured
// cells and the detail of each on hover, the legend, a stacked bar per
// transport showing where the bytes were when the writer blocked, and
// the buffer sweeps. It loads nothing from anywhere.
func (r *Report) HTML(w io.Writer) error {
	p := htmlPage{R: r, DiffersFromInferred: DiffersFromInferred, Columns: r.Shown(), Bars: capacityChart(r.CapacityBars()), Sweeps: r.sweepCharts()}
	p.Capacities, p.CapacityNotes = capacityTable(r.CapacityBars())
	if len(p.Capacities) == 1 {
		p.Capacities = nil
	}
	p.Width = len(p.Columns) + 3
	for _, c := range p.Columns {
		if n := len(p.Transports); n > 0 && p.Transports[n-1].Label == c.Name && r.MultiEnv() {
			p.Transports[n-1].Span++
		} else {
			kind := c.Kind
			if IsReference(c) {
				kind = "reference · " + kind
			}
			p.Transports = append(p.Transports, htmlHead{Label: c.Name, Kind: kind, Span: 1, Reference: IsReference(c),
				Title: strings.TrimSpace(kind + " · " + strings.Join(c.Abilities, ", ") + "\n" + c.Notes)})
		}
		if r.MultiEnv() {
			p.Envs = append(p.Envs, c.Env)
		}
	}
	for _, a := range r.Areas() {
		ha := htmlArea{Name: a.Name}
		for _, b := range a.Behaviours {
			row := htmlRow{Behaviour: b, Row: r.Row(b.ID), Verdicts: r.Row(b.ID).Parenthesised()}
			for _, c := range p.Columns {
				row.Cells = append(row.Cells, r.htmlCell(b, c))
				if res, ok := r.Result(b.ID, c); ok && res.Verdict == Fail {
					p.Failures = append(p.Failures, htmlFailure{b.ID, r.Label(c), oneLine(res.Reason, 400), res.Location})
				}
			}
			ha.Rows = append(ha.Rows, row)
		}
		p.Areas = append(p.Areas, ha)
	}
	labels, results := r.UnexpectedResults()
	for i, res := range results {
		p.Unexpected = append(p.Unexpected, htmlFailure{Behaviour: res.Behaviour, Column: labels[i],
			Reason: strings.TrimPrefix(res.UnexpectedText(), DiffersFromInferred+": ")})
	}
	return page.Execute(w, p)
}

func (r *Report) htmlCell(b Behaviour, c Transport) htmlCell {
	res, ok := r.Result(b.ID, c)
	if !ok {
		return htmlCell{Class: "none", Title: b.ID + " did not run on " + r.Label(c)}
	}
	out := htmlCell{Class: string(res.Verdict), Title: res.Detail(r.Label(c))}
	switch res.Verdict {
	case Pass:
		if res.Error() != "" {
			out.Class, out.Text = "error", "error: "+cut(res.Summary, 80)
			break
		}
		switch {
		case res.Summary == "":
			out.Class, out.Text = "pass mark", "✓"
		case b.Class == "contract": // the pass is the point, the value an aside
			out.Text = "✓ " + res.Summary
		default:
			out.Class, out.Text = "observed", res.Summary
		}
	case Fail:
		out.Class, out.Text = "fail mark", strings.TrimSpace("✗ "+cut(res.Summary, 40))
	case Unsupported:
		out.Text = res.Unsupported()
	case Unavailable:
		out.Text = "n/a"
	default:
		out.Text = "skipped"
	}
	if len(res.Unexpected()) > 0 {
		out.Class += " unexpected"
		out.Text = "⚠ " + out.Text
	}
	if IsReference(c) {
		out.Class += " ref"
	}
	out.Text = units.Bind(out.Text)
	return out
}
