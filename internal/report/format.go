package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/streamspec/streamspec/internal/units"
)

// oneLine returns the first non-empty line of s, trimmed, cut to max runes.
func oneLine(s string, max int) string {
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			return cut(l, max)
		}
	}
	return ""
}

// cut shortens s to max runes, marking the cut with an ellipsis.
func cut(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// Unsupported is an unsupported result's cell text: "needs close-write"
// where the reason names a missing ability, else the reason itself (for
// example "tcp4 is not a pipe").
func (res Result) Unsupported() string {
	if _, after, ok := strings.Cut(res.Reason, " lacks "); ok {
		return "needs " + after
	}
	return res.Reason
}

// Detail is the full text of a cell, for a tooltip: verdict, value,
// reason, numbers and duration.
func (res Result) Detail(label string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s: %s", res.Behaviour, label, res.Verdict)
	if res.State != "" && res.State != string(res.Verdict) && res.State != "passed" && res.State != "failed" {
		fmt.Fprintf(&b, " (%s)", res.State)
	}
	if res.Summary != "" {
		fmt.Fprintf(&b, "\nobserved: %s", res.Summary)
	}
	if res.Reason != "" {
		fmt.Fprintf(&b, "\n%s", res.Reason)
	}
	if res.Location != "" {
		fmt.Fprintf(&b, "\nat %s", res.Location)
	}
	if u := res.UnexpectedText(); u != "" {
		fmt.Fprintf(&b, "\n%s", u)
	}
	for _, k := range sortedKeys(res.Values) {
		fmt.Fprintf(&b, "\n%s = %v", k, res.Values[k])
	}
	fmt.Fprintf(&b, "\n%.1f%sms", res.Millis, units.Space)
	return b.String()
}

// Describe is the environment in one line.
func (e Environment) Describe() string {
	parts := []string{e.ID}
	if e.OSVersion != "" {
		parts[0] += " (" + e.OSVersion + ")"
	}
	if e.KernelRelease != "" {
		parts = append(parts, "kernel "+e.KernelRelease)
	}
	parts = append(parts, e.Arch, e.GoVersion)
	if e.CPUs > 0 {
		parts = append(parts, fmt.Sprintf("%d CPUs", e.CPUs))
	}
	return strings.Join(append(parts, e.Date), ", ")
}

// Describe says the totals in one line.
func (t Totals) Describe() string {
	s := fmt.Sprintf("%d results: %d pass, %d fail, %d unsupported, %d unavailable", t.Results, t.Pass, t.Fail, t.Unsupported, t.Unavailable)
	if t.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", t.Skipped)
	}
	return s
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range asciiFields(units.Bind(s)) {
		for utf8.RuneCountInString(w) > width { // a word longer than a line
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(w)
			lines, w = append(lines, string(r[:width])), string(r[width:])
		}
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			lines, line = append(lines, line), w
		}
	}
	return append(lines, line)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// asciiFields splits s at ASCII white space only: the no-break spaces
// inside numbers (package units) keep a number whole.
func asciiFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}
