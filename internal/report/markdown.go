package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/streamspec/streamspec/internal/units"

	"github.com/streamspec/streamspec/internal/measure"
)

// Markdown cell marks; an observed value is shown as its text.
const (
	mdPass        = "✅"
	mdFail        = "❌"
	mdUnsupported = "➖"
	mdUnavailable = "⛔"
	mdSkipped     = "⏭"
	mdUnexpected  = "⚠️"
)

// Markdown writes the matrix as GitHub-flavoured Markdown: one table per
// area, then the behaviours' rules, the transports, capacities, sweeps
// and failures.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	cols := r.Columns()

	p("# streamspec conformance matrix\n")
	p("| environment | OS | kernel | arch | Go | CPUs | date |")
	p("|---|---|---|---|---|---|---|")
	for _, e := range r.Environments {
		p("| %s | %s | %s | %s | %s | %d | %s |", md(e.ID), md(cmp.Or(e.OSVersion, e.OS)),
			md(e.KernelRelease), md(e.Arch), md(e.GoVersion), e.CPUs, md(e.Date))
	}
	p("\n%s.\n", r.Totals.Describe())
	for _, c := range cols {
		if c.Unavailable != "" {
			p("%s unavailable here: %s.\n", md(r.Label(c)), md(c.Unavailable))
		}
	}
	legend := fmt.Sprintf("%s pass · %s fail (reasons under the matrix) · %s unsupported (the missing ability) · %s unavailable on this machine · "+
		"plain text: the value an observed spec saw, and it passed", mdPass, mdFail, mdUnsupported, mdUnavailable)
	if _, res := r.UnexpectedResults(); len(res) > 0 {
		legend += fmt.Sprintf("; %s: it %s (listed under the matrix)", mdUnexpected, DiffersFromInferred)
	}
	p("%s. The verdict column is derived from the cells.\n", legend)

	for _, area := range r.Areas() {
		p("## %s\n", md(area.Name))
		head, rule := "| behaviour | class |", "|---|---|"
		for _, c := range cols {
			head += " " + md(r.Label(c)) + " |"
			rule += "---|"
		}
		p("%s verdict |", head)
		p("%s---|", rule)
		for _, beh := range area.Behaviours {
			line := fmt.Sprintf("| `%s` | %s |", beh.ID, md(beh.Class))
			for _, c := range cols {
				line += " " + md(r.mdCell(beh, c)) + " |"
			}
			p("%s %s |", line, md(r.Row(beh.ID).Parenthesised()))
		}
		p("")
	}

	p("## Behaviours\n")
	p("| behaviour | area | class | rule | needs |")
	p("|---|---|---|---|---|")
	for _, beh := range r.Behaviours {
		p("| `%s` | %s | %s | %s | %s |", beh.ID, md(beh.Area), md(beh.Class), md(beh.Rule), md(strings.Join(beh.Needs, ", ")))
	}

	p("\n## Transports\n")
	p("| transport | kind | abilities | notes |")
	p("|---|---|---|---|")
	for _, c := range cols {
		p("| %s | %s | %s | %s |", md(r.Label(c)), md(c.Kind), md(strings.Join(c.Abilities, ", ")), md(c.Notes))
	}

	if bars := r.CapacityBars(); len(bars) > 0 {
		p("\n## Capacity\n")
		p("Bytes a writer got accepted before Write blocked, with the reader stopped, and where they were.\n")
		p("| transport | accepted | sender queue (unsent) | in flight | receiver queue | SO_SNDBUF | SO_RCVBUF | pipe size | conserved | method | notes |")
		p("|---|---|---|---|---|---|---|---|---|---|---|")
		for _, c := range bars {
			parts := c.Parts()
			unsent, inFlight, receiver := parts.Unsent, parts.InFlight, parts.Receiver
			p("| %s | %s | %s | %s | %s | %s | %s | %s | %v | %s | %s |", md(c.Label), units.Bytes(c.AcceptedBytes),
				known(c.SenderQueuedBytes, unsent), known(c.InFlightBytes, inFlight), known(c.ReceiverQueuedBytes, receiver),
				units.Bytes(c.SoSndbuf), units.Bytes(c.SoRcvbuf), units.Bytes(c.PipeSize), c.Conserved, md(c.Method), md(c.Notes))
		}
	}

	if len(r.Sweeps) > 0 {
		p("\n## Sweeps\n")
		p("| transport | knob | setting → accepted bytes |")
		p("|---|---|---|")
		for _, s := range r.Sweeps {
			var pts []string
			for _, pt := range s.Points {
				pts = append(pts, pointLabel(s.Knob, pt)+" → "+units.Short(pt.AcceptedBytes))
			}
			p("| %s | %s | %s |", md(r.Label(Transport{Name: s.Transport, Env: s.Env})), md(s.Knob), md(strings.Join(pts, ", ")))
		}
	}

	if labels, results := r.UnexpectedResults(); len(results) > 0 {
		p("\n## Where a result %s\n", DiffersFromInferred)
		p("The specs passed: an expectation read from source, not yet measured on that OS, never fails one.\n")
		for i, res := range results {
			p("- `%s` on %s: %s", res.Behaviour, md(labels[i]), md(strings.TrimPrefix(res.UnexpectedText(), DiffersFromInferred+": ")))
		}
	}

	first := true
	for _, c := range cols {
		for _, beh := range r.Behaviours {
			if res, ok := r.Result(beh.ID, c); ok && res.Verdict == Fail {
				if first {
					p("\n## Failures\n")
					first = false
				}
				loc := ""
				if res.Location != "" {
					loc = " (" + res.Location + ")"
				}
				p("- `%s` on %s: %s%s", beh.ID, md(r.Label(c)), md(oneLine(res.Reason, 300)), md(loc))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell is a cell's text in the Markdown matrix, marked when it differs
// from an inferred expectation.
func (r *Report) mdCell(b Behaviour, c Transport) string {
	text := r.mdMark(b, c)
	if res, ok := r.Result(b.ID, c); ok && len(res.Unexpected()) > 0 {
		text = mdUnexpected + " " + text + " (" + DiffersFromInferred + ")"
	}
	return text
}

func (r *Report) mdMark(b Behaviour, c Transport) string {
	res, ok := r.Result(b.ID, c)
	if !ok {
		return ""
	}
	switch res.Verdict {
	case Pass:
		if res.Summary == "" {
			return mdPass
		}
		if b.Class == "contract" { // the pass is the point, the value an aside
			return mdPass + " " + res.Summary
		}
		return res.Summary
	case Fail:
		return strings.TrimSpace(mdFail + " " + res.Summary)
	case Unsupported:
		return mdUnsupported + " " + res.Unsupported()
	case Unavailable:
		return mdUnavailable
	}
	return mdSkipped + " skipped"
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
	s = strings.Join(asciiFields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}
