package gallery

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/report"
)

// Implementations is what docs/tcp-implementations.md is made from: the
// run of TestImplementations and the rows that explain it.
type Implementations struct {
	Report *report.Report
	Rows   []ImplRow
}

// implLine is one behaviour of the view, worked out from the run.
type implLine struct {
	b       report.Behaviour
	cells   []string // one per ImplColumns
	differs []string // the columns whose outcome differs from Linux TCP's
	row     *ImplRow
}

// sweepKnobs are the knobs of the sweep behaviours, for XNU's inferred
// responses.
var sweepKnobs = map[string]string{"capacity-vs-sndbuf": measure.KnobSndbuf, "capacity-vs-rcvbuf": measure.KnobRcvbuf}

// lines works out every behaviour Linux TCP ran, in catalogue order.
func (v Implementations) lines() []implLine {
	var out []implLine
	for _, b := range v.Report.Behaviours {
		base, ok := v.result(b.ID, ImplColumns[0].Transport)
		if !ok || base.Verdict == report.Unsupported {
			continue // not a behaviour of a TCP stream over loopback (pipes, network paths)
		}
		l := implLine{b: b}
		if i := slices.IndexFunc(v.Rows, func(r ImplRow) bool { return r.Behaviour == b.ID }); i >= 0 {
			l.row = &v.Rows[i]
		}
		for _, col := range ImplColumns {
			if col.Transport == "" {
				cell, differs := xnuCell(b, base)
				l.cells = append(l.cells, cell)
				if differs {
					l.differs = append(l.differs, XNU)
				}
				continue
			}
			res, ok := v.result(b.ID, col.Transport)
			l.cells = append(l.cells, cellText(b, res, ok))
			if ok && col.Transport != ImplColumns[0].Transport && differ(b, base, res) {
				l.differs = append(l.differs, col.Transport)
			}
		}
		out = append(out, l)
	}
	return out
}

func (v Implementations) result(behaviour, transport string) (report.Result, bool) {
	i := slices.IndexFunc(v.Report.Results, func(r report.Result) bool { return r.Behaviour == behaviour && r.Transport == transport })
	if i < 0 {
		return report.Result{}, false
	}
	return v.Report.Results[i], true
}

// differ reports whether res differs from Linux TCP's base result: the
// verdict of a contract rule, the outcome of an observed behaviour. A
// column that could not run the spec (unsupported, unavailable) is not
// compared.
func differ(b report.Behaviour, base, res report.Result) bool {
	if !res.Verdict.Tested() {
		return false
	}
	if b.Class == string(catalogue.Contract) || res.Verdict != base.Verdict {
		return res.Verdict != base.Verdict
	}
	return outcome(res) != outcome(base)
}

func outcome(r report.Result) string {
	s, _ := r.Values["outcome"].(string)
	return s
}

// cellText is one measured cell: a contract rule holds or fails (what a
// passing spec recorded, such as a volume fitted to a slow transport,
// follows); an observed behaviour is what was seen.
func cellText(b report.Behaviour, res report.Result, ok bool) string {
	switch {
	case !ok:
		return "no result"
	case res.Verdict == report.Fail:
		return "**fails**: " + clip(firstLine(res.Reason), 160)
	case res.Verdict != report.Pass:
		return string(res.Verdict) + ": " + res.Reason
	case b.Class == "contract" && res.Summary != "":
		return "holds (" + res.Summary + ")"
	case res.Summary != "":
		return res.Summary
	}
	return "holds"
}

// xnuCell is XNU's inferred outcome for b, from internal/expect's darwin
// rows for TCP, and whether it differs from Linux TCP's result base.
func xnuCell(b report.Behaviour, base report.Result) (string, bool) {
	var want []string
	if e, ok := expect.Expected(b.ID, "tcp4", harness.KindTCP, "darwin"); ok && e.Basis == expect.Inferred {
		want = e.Outcomes
	} else if k, ok := expect.ExpectedKnob("darwin", harness.KindTCP, sweepKnobs[b.ID]); ok && sweepKnobs[b.ID] != "" {
		want = k.Responses
	}
	if len(want) == 0 {
		if b.Class == string(catalogue.Contract) {
			return "not run (no macOS here)", false
		}
		return "not inferred", false
	}
	return strings.Join(want, " or ") + " (inferred)", !slices.Contains(want, outcome(base))
}

// Check compares the run with the rows: a difference no row lists, a
// listed difference that did not happen, an observed behaviour without a
// row, a row for a behaviour the run does not have. It returns the
// problems and how many rows agreed.
func (v Implementations) Check() (problems []string, agreed int) {
	for _, col := range ImplColumns {
		if col.Transport == "" {
			continue
		}
		if !slices.ContainsFunc(v.Report.Results, func(r report.Result) bool { return r.Transport == col.Transport }) {
			problems = append(problems, fmt.Sprintf("implementations: no results for %s (did the run break off?)", col.Transport))
		}
	}
	lines := v.lines()
	for _, l := range lines {
		if l.row == nil {
			if l.b.Class == string(catalogue.Observed) || len(l.differs) > 0 {
				problems = append(problems, fmt.Sprintf("implementations: %s has no row in gallery/implementations.go (differs on %v): say what differs and why", l.b.ID, l.differs))
			}
			continue
		}
		if l.row.Values {
			agreed++
			continue
		}
		got := slices.DeleteFunc(slices.Clone(l.differs), func(c string) bool { return slices.Contains(l.row.Timing, c) })
		want := slices.DeleteFunc(slices.Clone(l.row.Differs), func(c string) bool { return slices.Contains(l.row.Timing, c) })
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("implementations: %s differs from Linux TCP on %v in this run; gallery/implementations.go says %v", l.b.ID, got, want))
			continue
		}
		agreed++
	}
	for _, r := range v.Rows {
		if !slices.ContainsFunc(lines, func(l implLine) bool { return l.b.ID == r.Behaviour }) {
			problems = append(problems, fmt.Sprintf("implementations: a row for %s, which Linux TCP did not run", r.Behaviour))
		}
	}
	return problems, agreed
}

// Write renders the view as Markdown.
func (v Implementations) Write(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	env := v.Report.Environments[0]
	lines := v.lines()
	var same, differs []string
	for _, l := range lines {
		if len(l.differs) == 0 && (l.row == nil || !l.row.Values) {
			same = append(same, "`"+l.b.ID+"`")
		} else if len(l.differs) > 0 {
			differs = append(differs, "`"+l.b.ID+"`")
		}
	}
	p("# TCP implementations side by side\n")
	p("<!-- Generated by `make gallery` (gallery/implementations.go, cmd/gallery-doc); edit those instead. -->\n")
	p("Which behaviours hold for every TCP, and which depend on the implementation? The whole catalogue ran on three")
	p("TCP implementations on this machine, in one run: Linux TCP (the built-in `tcp4`), Linux Multipath TCP (the")
	p("built-in `mptcp`) and gVisor's netstack (the gallery's `gvisor-netstack`: a TCP stack in Go, through its `gonet`")
	p("adapter). XNU's column is read from its source (the darwin rows of `internal/expect`): no Mac runs here, so it is")
	p("marked inferred, and its contract is not run. `make gallery` fails when a difference below is not the one the run")
	p("shows.\n")
	p("Run: %s, kernel %s, %s, %s, %d CPUs, %s.\n", cmp.Or(env.OSVersion, env.OS), env.KernelRelease, env.Arch, env.GoVersion, env.CPUs, env.Date)
	p("- **Same on every implementation** (XNU where inferred; %d): %s.", len(same), strings.Join(same, ", "))
	p("- **Differs** (%d): %s.", len(differs), strings.Join(differs, ", "))
	p("- **Measured values** that differ in size, not in kind: %s.\n", strings.Join(v.valueRows(lines), ", "))
	header := []string{"behaviour", "class"}
	for _, c := range ImplColumns {
		header = append(header, c.Title)
	}
	header = append(header, "same?", "what differs and why", "sources")
	p("| %s |", strings.Join(header, " | "))
	p("|%s", strings.Repeat("---|", len(header)))
	for _, l := range lines {
		row := []string{"`" + l.b.ID + "`", l.b.Class}
		for _, c := range l.cells {
			row = append(row, md(c))
		}
		row = append(row, md(sameText(l)))
		why, src := "", ""
		if l.row != nil {
			why, src = l.row.Why, l.row.Citation
		}
		if l.row == nil && l.b.Class == string(catalogue.Contract) {
			why = "the rule holds on every implementation measured: " + l.b.Rule
		}
		row = append(row, md(why), md(src))
		p("| %s |", strings.Join(row, " | "))
	}
	p("\nNot in the table: `capacity-vs-pipe-size` (pipes only), `in-flight` and `capacity-vs-path` (a network path:")
	p("the `netns` transport, Linux TCP over veths; see [netns.md](netns.md)).")
	_, err := io.WriteString(w, b.String())
	return err
}

func (v Implementations) valueRows(lines []implLine) []string {
	var out []string
	for _, l := range lines {
		if l.row != nil && l.row.Values {
			out = append(out, "`"+l.b.ID+"`")
		}
	}
	return out
}

// sameText is a line's "same?" cell.
func sameText(l implLine) string {
	switch {
	case l.row != nil && l.row.Values:
		return "values differ"
	case len(l.differs) == 0 && l.row != nil && len(l.row.Timing) > 0:
		return "same in this run; " + strings.Join(titles(l.row.Timing), ", ") + " varies with timing"
	case len(l.differs) == 0:
		return "same"
	}
	s := "differs: " + strings.Join(titles(l.differs), ", ")
	if l.row != nil && len(l.row.Timing) > 0 {
		s += " (" + strings.Join(titles(l.row.Timing), ", ") + ": timing, seen both ways)"
	}
	return s
}

// titles names columns by their implementation.
func titles(cols []string) []string {
	var out []string
	for _, c := range cols {
		for _, ic := range ImplColumns {
			if ic.Transport == c || (c == XNU && ic.Transport == "") {
				out = append(out, strings.TrimSuffix(strings.TrimSuffix(ic.Title, " (measured)"), " (inferred from source)"))
			}
		}
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
