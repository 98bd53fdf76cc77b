package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/units"
)

// Markdown cell marks; an observed value is shown as a letter, its text
// listed under the table.
const (
	mdPass        = "✅"
	mdFail        = "❌"
	mdUnsupported = "➖"
	mdUnavailable = "⛔"
	mdSkipped     = "⏭"
	mdUnexpected  = "⚠️"
	mdError       = "❗"
)

// mdWidth bounds every line of the Markdown: a code host shows it without
// scrolling sideways. Prose is wrapped at mdProse.
const (
	mdWidth = 200
	mdProse = 120
)

// mdWriter collects the Markdown's lines.
type mdWriter struct{ b strings.Builder }

func (m *mdWriter) line(format string, args ...any) { fmt.Fprintf(&m.b, format+"\n", args...) }

// para writes prose wrapped at mdProse, continuation lines indented by
// indent (a list item's text stays in its item).
func (m *mdWriter) para(first, indent, text string) {
	for i, l := range wrap(text, mdProse-utf8.RuneCountInString(first)) {
		if i == 0 {
			m.line("%s%s", first, l)
		} else {
			m.line("%s%s", indent, l)
		}
	}
}

// table writes rows (the first the heading) as a Markdown table.
func (m *mdWriter) table(rows [][]string) {
	for i, r := range rows {
		m.line("| %s |", strings.Join(r, " | "))
		if i == 0 {
			m.line("|%s", strings.Repeat("---|", len(r)))
		}
	}
}

// tableWidth is the longest line table would write.
func tableWidth(rows [][]string) int {
	w := 0
	for _, r := range rows {
		w = max(w, utf8.RuneCountInString("| "+strings.Join(r, " | ")+" |"))
	}
	return w
}

// Markdown writes the report as GitHub-flavoured Markdown that reads on a
// code host: per area a matrix of marks and letters no wider than
// mdWidth, each observed value listed under it, then the reference
// columns' provenance, the behaviours, transports, capacities, sweeps and
// failures, as lists or narrow tables.
func (r *Report) Markdown(w io.Writer) error {
	m := &mdWriter{}
	cols := r.Shown()

	m.line("# streamspec conformance matrix\n")
	env := [][]string{{"environment", "OS", "kernel", "arch", "Go", "CPUs", "date"}}
	for _, e := range r.Environments {
		env = append(env, []string{md(e.ID), md(cmp.Or(e.OSVersion, e.OS)), md(e.KernelRelease), md(e.Arch), md(e.GoVersion), fmt.Sprint(e.CPUs), md(e.Date)})
	}
	m.table(env)
	m.line("\n%s.\n", r.Totals.Describe())
	for _, c := range cols {
		if c.Unavailable != "" {
			m.para("", "", md(r.Label(c)+" unavailable here: "+c.Unavailable+"."))
			m.line("")
		}
	}
	r.mdReferenceNote(m)
	legend := fmt.Sprintf("%s pass · %s fail (reasons under the matrix) · %s unsupported · %s unavailable on this machine · "+
		"a, b, c: the values an observed spec saw (it passed), listed under each table · %s the spec could not measure", mdPass, mdFail, mdUnsupported, mdUnavailable, mdError)
	if _, res := r.UnexpectedResults(); len(res) > 0 {
		legend += fmt.Sprintf(" · %s: it %s (listed under the matrix)", mdUnexpected, DiffersFromInferred)
	}
	m.para("", "", legend+". The verdict is derived from the cells.")
	m.line("")

	for _, area := range r.Areas() {
		m.line("## %s\n", md(area.Name))
		r.mdArea(m, area, cols)
	}

	m.line("## Behaviours\n")
	for _, beh := range r.Behaviours {
		what := md(beh.Area)
		if beh.Class != "" {
			what += ", " + md(beh.Class)
		}
		if len(beh.Needs) > 0 {
			what += "; needs " + md(strings.Join(beh.Needs, ", "))
		}
		if beh.Rule == "" {
			m.line("- `%s` (%s)", beh.ID, what)
			continue
		}
		m.para(fmt.Sprintf("- `%s` (%s): ", beh.ID, what), "  ", md(beh.Rule))
	}

	m.line("\n## Transports\n")
	for _, c := range cols {
		text := md(c.Kind)
		if len(c.Abilities) > 0 {
			text += "; " + md(strings.Join(c.Abilities, ", "))
		}
		if c.Notes != "" {
			text += ". " + md(c.Notes)
		}
		m.para("- "+md(r.Label(c))+": ", "  ", text)
	}
	r.mdCapacities(m)
	r.mdSweeps(m)

	if labels, results := r.UnexpectedResults(); len(results) > 0 {
		m.line("\n## Where a result %s\n", DiffersFromInferred)
		m.para("", "", "The specs passed: an expectation read from source, not yet measured on that OS, never fails one.")
		m.line("")
		for i, res := range results {
			m.para(fmt.Sprintf("- `%s` on %s: ", res.Behaviour, md(labels[i])), "  ", md(strings.TrimPrefix(res.UnexpectedText(), DiffersFromInferred+": ")))
		}
	}

	first := true
	for _, c := range cols {
		for _, beh := range r.Behaviours {
			if res, ok := r.Result(beh.ID, c); ok && res.Verdict == Fail {
				if first {
					m.line("\n## Failures\n")
					first = false
				}
				loc := ""
				if res.Location != "" {
					loc = " (" + res.Location + ")"
				}
				m.para(fmt.Sprintf("- `%s` on %s: ", beh.ID, md(r.Label(c))), "  ", md(oneLine(res.Reason, 300)+loc))
			}
		}
	}
	_, err := io.WriteString(w, m.b.String())
	return err
}

// mdArea writes one area's matrix: a mark or letter per cell and the
// verdict, then under it each row's values, untested transports and
// differences. Too wide a table loses its verdict column to the list,
// then splits its columns into blocks.
func (r *Report) mdArea(m *mdWriter, area Area, cols []Transport) {
	build := func(block []Transport, verdict bool) [][]string {
		head := []string{"behaviour"}
		for _, c := range block {
			head = append(head, md(r.Label(c)))
		}
		if verdict {
			head = append(head, "verdict")
		}
		rows := [][]string{head}
		for _, beh := range area.Behaviours {
			values := letters(r, beh)
			row := []string{"`" + beh.ID + "`"}
			for _, c := range block {
				row = append(row, r.mdMark(beh, c, values))
			}
			if verdict {
				row = append(row, md(r.Row(beh.ID).Verdict))
			}
			rows = append(rows, row)
		}
		return rows
	}
	verdictInTable := tableWidth(build(cols, true)) <= mdWidth
	blocks := [][]Transport{cols}
	if !verdictInTable {
		for n := len(cols); n > 1 && tableWidth(build(cols[:n], false)) > mdWidth; n-- {
			blocks = chunk(cols, n-1)
		}
	}
	for i, block := range blocks {
		if i > 0 {
			m.line("")
		}
		m.table(build(block, verdictInTable))
	}
	m.line("")
	listed := false
	for _, beh := range area.Behaviours {
		var notes []string
		row := r.Row(beh.ID)
		if !verdictInTable {
			notes = append(notes, "verdict: "+row.Verdict)
		}
		values := letters(r, beh)
		for _, v := range values.order {
			notes = append(notes, "**"+values.letter[v]+"** "+v)
		}
		if row.Like != "" {
			notes = append(notes, row.Like)
		}
		for _, extra := range []string{row.Untested, row.Unexpected} {
			if extra != "" {
				notes = append(notes, extra)
			}
		}
		if len(notes) > 0 {
			m.para(fmt.Sprintf("- `%s`: ", beh.ID), "  ", md(strings.Join(notes, " · ")))
			listed = true
		}
	}
	if listed {
		m.line("")
	}
}

// chunk splits cs into blocks of at most n.
func chunk[T any](cs []T, n int) [][]T {
	var out [][]T
	for i := 0; i < len(cs); i += n {
		out = append(out, cs[i:min(i+n, len(cs))])
	}
	return out
}

// mdMark is a cell in the Markdown matrix: a mark, or the letter of its
// observed value; marked when it differs from an inferred expectation.
func (r *Report) mdMark(b Behaviour, c Transport, values valueLetters) string {
	res, ok := r.Result(b.ID, c)
	if !ok {
		return ""
	}
	var text string
	switch {
	case res.Error() != "":
		text = mdError + " " + values.letter[res.Summary]
	case res.Verdict == Pass && values.letter[res.Summary] != "":
		text = values.letter[res.Summary]
	case res.Verdict == Pass:
		text = mdPass
	case res.Verdict == Fail:
		text = mdFail
	case res.Verdict == Unsupported:
		text = mdUnsupported
	case res.Verdict == Unavailable:
		text = mdUnavailable
	default:
		text = mdSkipped
	}
	if len(res.Unexpected()) > 0 {
		text = mdUnexpected + " " + text
	}
	return text
}

// mdCapacities writes the capacity decompositions: a narrow table of the
// numbers, the notes as a list under it.
func (r *Report) mdCapacities(m *mdWriter) {
	bars := r.CapacityBars()
	if len(bars) == 0 {
		return
	}
	m.line("\n## Capacity\n")
	m.para("", "", "Bytes a writer got accepted before Write blocked, with the reader stopped, and where they were: the median of the "+
		"fresh pairs measured, with their range. The parts are disjoint and add up to the accepted bytes; a Unix sender's "+
		"charge for bytes in the receiver's queue is not a part (sender charge).")
	m.line("")
	rows, notes := capacityTable(bars)
	for i := range rows {
		for j := range rows[i] {
			rows[i][j] = md(rows[i][j])
		}
	}
	for i := range notes {
		notes[i] = md(notes[i])
	}
	m.table(rows)
	if len(notes) > 0 {
		m.line("")
		for _, n := range notes {
			m.para("- ", "  ", n)
		}
	}
}

func chargeText(n int64) string {
	if n <= 0 {
		return ""
	}
	return units.Bytes(n)
}

// mdSweeps writes each sweep's response and points, one row a transport.
func (r *Report) mdSweeps(m *mdWriter) {
	if len(r.Sweeps) == 0 {
		return
	}
	m.line("\n## Sweeps\n")
	rows := [][]string{{"transport", "knob", "response", "setting → accepted (median of the repeats)"}}
	var notes []string
	for _, s := range r.Sweeps {
		var pts []string
		for _, pt := range s.Points {
			pts = append(pts, pointLabel(s.Knob, pt)+" → "+units.Short(pt.AcceptedBytes))
		}
		label := md(r.Label(Transport{Name: s.Transport, Env: s.Env}))
		rows = append(rows, []string{label, md(s.Knob), md(s.Response()), md(strings.Join(pts, ", "))})
		if n := s.NoiseNote(); n != "" {
			notes = append(notes, label+", "+md(s.Knob)+": "+md(n))
		}
	}
	if tableWidth(rows) > mdWidth { // many points: one line each instead
		for _, row := range rows[1:] {
			m.para("- "+row[0]+", "+row[1]+": ", "  ", row[2]+": "+row[3])
		}
	} else {
		m.table(rows)
	}
	if len(notes) > 0 {
		m.line("")
		for _, n := range notes {
			m.para("- ", "  ", n)
		}
	}
}

// pointLabel names a sweep setting: its label, or the bytes for a buffer knob.
func pointLabel(knob string, pt measure.SweepPoint) string {
	if pt.Label != "" {
		return pt.Label
	}
	if knob == "path" {
		return fmt.Sprint(pt.Setting)
	}
	return units.Short(pt.Setting)
}

// known formats a decomposed part, or n/a when its counter was unreadable.
func known(counter, part int64) string {
	if counter < 0 {
		return "n/a"
	}
	return units.Bytes(part)
}

// md makes s safe inside a Markdown table cell.
func md(s string) string {
	s = strings.Join(asciiFields(units.Bind(s)), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdReferenceNote says where the reference columns come from, or why a
// run of custom transports has none.
func (r *Report) mdReferenceNote(m *mdWriter) {
	if p := r.Reference.Provenance(); p != "" {
		m.para("", "", md(p))
		m.line("")
	}
}

// capacityTable is the capacity decompositions as a table, the heading
// first, and their notes: the numbers behind the bars, for every
// renderer.
func capacityTable(bars []CapacityBar) (rows [][]string, notes []string) {
	rows = [][]string{{"transport", "accepted", "range (pairs)", "unsent", "in flight", "receiver", "sender charge", "SO_SNDBUF", "SO_RCVBUF", "pipe size", "method"}}
	for _, c := range bars {
		p := c.Parts()
		rows = append(rows, []string{c.Label, units.Bytes(c.AcceptedBytes),
			units.BytesRange(c.Min, c.Max, units.Short) + " (" + fmt.Sprint(c.Samples) + ")",
			known(c.SenderQueuedBytes, p.Unsent), known(c.InFlightBytes, p.InFlight), known(c.ReceiverQueuedBytes, p.Receiver),
			chargeText(p.Charged), units.Short(c.SoSndbuf), units.Short(c.SoRcvbuf), units.Short(c.PipeSize), c.Method})
		if c.Notes != "" {
			notes = append(notes, c.Label+": "+c.Notes)
		}
	}
	return rows, notes
}
