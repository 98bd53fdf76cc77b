package gallery

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/report"
)

// Cell is one gallery result with the spec's whole message: the report
// keeps a failure's first line only, and findings match on the rest too.
type Cell struct {
	report.Result
	Message string
}

// text is what a finding's Seen is matched against: the whole failure
// message, else the report's reason and observed summary.
func (c Cell) text() string {
	return strings.Join([]string{c.Message, c.Reason, c.Summary}, "\n")
}

// outcome is the categorical outcome an observed spec recorded.
func (c Cell) outcome() string {
	s, _ := c.Values["outcome"].(string)
	return s
}

// Run is a gallery run to judge: the results of TestGallery and of the
// long lifetimes runs.
type Run struct {
	Cells      []Cell
	Long       map[string]Cell // by entry: lifetimes with LongHorizon, for each proxy marked Long
	Entries    []Entry
	Behaviours []catalogue.Behaviour
	Versions   map[string]string // by entry: the version that ran
}

// Check compares a gallery run with the findings and the proxies'
// expected outcomes. It returns what does not agree: a failure no finding
// explains, a finding whose verdict no longer happens (stale), an outcome
// other than a proxy's Expect, an entry or spec without a result (the run
// broke off), findings that name no entry or a spec the entry does not
// run. Notes say what was not checked and why (unavailable here, another
// version of a proxy than the one measured). The last result counts the
// checks that agreed.
func Check(r Run, findings []Finding) (problems, notes []string, agreed int) {
	at := map[[2]string]Cell{}
	for _, c := range r.Cells {
		at[[2]string{c.Transport, c.Behaviour}] = c
	}
	entries := map[string]Entry{}
	unchecked := map[string]bool{}
	for _, e := range r.Entries {
		entries[e.Name] = e
		all := true
		for _, b := range r.Behaviours {
			c, ok := at[[2]string{e.Name, b.ID}]
			if e.Runs(b) && !ok {
				problems = append(problems, fmt.Sprintf("%s on %s: no result (did the run break off?)", b.ID, e.Name))
			}
			all = all && (!ok || c.Verdict == report.Unavailable)
		}
		switch v := r.Versions[e.Name]; {
		case all:
			unchecked[e.Name] = true
			notes = append(notes, fmt.Sprintf("%s is unavailable here: its findings are not checked", e.Name))
		case e.Proxy != nil && e.Proxy.Measured != "" && !strings.Contains(v, e.Proxy.Measured):
			unchecked[e.Name] = true
			notes = append(notes, fmt.Sprintf("%s ran %q, its findings and outcomes were measured on %s: not checked", e.Name, v, e.Proxy.Measured))
		}
	}
	runs := func(entry, spec string) bool {
		b, ok := catalogue.Lookup(spec)
		return ok && entries[entry].Runs(b)
	}
	for _, f := range findings {
		c, ok := at[[2]string{f.Entry, f.Behaviour}]
		switch _, known := entries[f.Entry]; {
		case !known:
			problems = append(problems, fmt.Sprintf("findings.go: %s on %s: no such gallery entry", f.Behaviour, f.Entry))
		case !runs(f.Entry, f.Behaviour):
			problems = append(problems, fmt.Sprintf("findings.go: %s on %s: no such spec, or not one the entry runs", f.Behaviour, f.Entry))
		case unchecked[f.Entry] || !ok: // a missing result is reported above
		case f.Intermittent && c.Verdict == report.Pass:
			agreed++ // the race did not strike this run
		case c.Verdict != f.verdict() || !f.seenIn(c.text()):
			problems = append(problems, fmt.Sprintf("stale finding: %s on %s: findings.go expects %s with %q; the run gave %s: %s",
				f.Behaviour, f.Entry, f.verdict(), f.Seen, c.Verdict, firstLine(c.text())))
		default:
			agreed++
		}
	}
	for _, c := range r.Cells {
		if c.Verdict != report.Fail || unchecked[c.Transport] {
			continue
		}
		if _, known := entries[c.Transport]; known && !slices.ContainsFunc(findings, func(f Finding) bool { return f.explains(c) }) {
			problems = append(problems, fmt.Sprintf("unexplained failure: %s on %s: %s (add a finding to findings.go, citing the library)",
				c.Behaviour, c.Transport, firstLine(c.text())))
		}
	}
	for _, c := range r.Cells {
		if unchecked[c.Transport] || c.Verdict != report.Pass || !recordedError(c) {
			continue
		}
		if _, known := entries[c.Transport]; known && !slices.ContainsFunc(findings, func(f Finding) bool { return f.explains(c) }) {
			problems = append(problems, fmt.Sprintf("unexplained error: %s on %s recorded an error, not a measurement: %s (a harness defect, or add a finding citing the library)",
				c.Behaviour, c.Transport, firstLine(c.text())))
		}
	}
	for _, e := range r.Entries {
		if e.Proxy == nil || unchecked[e.Name] {
			continue
		}
		for spec, want := range e.Proxy.Expect {
			c, ok := at[[2]string{e.Name, spec}]
			if spec == LongLifetimes {
				c, ok = r.Long[e.Name]
			}
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s on %s: no result (did the run break off?)", spec, e.Name))
			case !strings.HasPrefix(c.outcome(), want):
				problems = append(problems, fmt.Sprintf("unexpected outcome: %s on %s: %q (%s), the entry expects %q",
					spec, e.Name, c.outcome(), firstLine(c.text()), want))
			default:
				agreed++
			}
		}
	}
	return problems, notes, agreed
}

// recordedError reports whether c is an observed spec that ended on an
// error it recorded (suites' Case.must) instead of what it measures.
func recordedError(c Cell) bool {
	b, ok := catalogue.Lookup(c.Behaviour)
	_, failed := c.Values["error"]
	return ok && b.Class == catalogue.Observed && failed
}

// explains reports whether f accounts for cell c.
func (f Finding) explains(c Cell) bool {
	return f.Entry == c.Transport && f.Behaviour == c.Behaviour && f.verdict() == c.Verdict && f.seenIn(c.text())
}

// firstLine is s's first non-empty line.
func firstLine(s string) string {
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
