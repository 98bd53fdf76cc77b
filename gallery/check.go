package gallery

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/harness/report"
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

// Check compares a gallery run with the findings. It returns what does not
// agree: a failure no finding explains, a finding whose verdict no longer
// happens (stale), an entry or spec without a result (the run broke off),
// and findings that name no entry or spec. The second result counts the
// checks that agreed.
func Check(cells []Cell, entries []string, behaviours []string, findings []Finding) (problems []string, agreed int) {
	at := map[[2]string]Cell{}
	for _, c := range cells {
		at[[2]string{c.Transport, c.Behaviour}] = c
	}
	unavailable := map[string]bool{}
	for _, e := range entries {
		all := true
		for _, b := range behaviours {
			c, ok := at[[2]string{e, b}]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s on %s: no result (did the run break off?)", b, e))
			}
			all = all && c.Verdict == report.Unavailable
		}
		unavailable[e] = all
	}
	for _, f := range findings {
		switch {
		case !slices.Contains(entries, f.Entry):
			problems = append(problems, fmt.Sprintf("findings.go: %s on %s: no such gallery entry", f.Behaviour, f.Entry))
			continue
		case !slices.Contains(behaviours, f.Behaviour):
			problems = append(problems, fmt.Sprintf("findings.go: %s on %s: no such spec", f.Behaviour, f.Entry))
			continue
		case unavailable[f.Entry]:
			continue // not checkable on this machine
		}
		c, ok := at[[2]string{f.Entry, f.Behaviour}]
		if !ok {
			continue // reported above
		}
		if f.Intermittent && c.Verdict == report.Pass {
			agreed++ // the race did not strike this run
			continue
		}
		if c.Verdict != f.verdict() || !strings.Contains(c.text(), f.Seen) {
			problems = append(problems, fmt.Sprintf("stale finding: %s on %s: findings.go expects %s with %q; the run gave %s: %s",
				f.Behaviour, f.Entry, f.verdict(), f.Seen, c.Verdict, firstLine(c.text())))
			continue
		}
		agreed++
	}
	for _, c := range cells {
		if c.Verdict != report.Fail || !slices.Contains(entries, c.Transport) {
			continue
		}
		if !slices.ContainsFunc(findings, func(f Finding) bool { return f.explains(c) }) {
			problems = append(problems, fmt.Sprintf("unexplained failure: %s on %s: %s (add a finding to findings.go, citing the library)",
				c.Behaviour, c.Transport, firstLine(c.text())))
		}
	}
	return problems, agreed
}

// explains reports whether f accounts for cell c.
func (f Finding) explains(c Cell) bool {
	return f.Entry == c.Transport && f.Behaviour == c.Behaviour && f.verdict() == c.Verdict && strings.Contains(c.text(), f.Seen)
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
