package expect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/harness"
)

// Basis says how an expectation is known.
type Basis string

const (
	// Measured: seen on that OS, by the spec itself, on the kernel, Go
	// release and day the Provenance names. A built-in that differs fails.
	Measured Basis = "measured"
	// Inferred: read from the cited source (file and function) and never
	// seen on that OS. A built-in that differs is reported as differing
	// from the inferred expectation, with the source, and does not fail.
	Inferred Basis = "inferred"
)

// Provenance is where an expectation comes from: the one place that says
// whether a mismatch fails a spec.
type Provenance struct {
	Basis  Basis  `json:"basis"`
	Source string `json:"source"`           // inferred: the file and function it follows from; measured: what explains it
	Kernel string `json:"kernel,omitempty"` // measured: the kernel it was seen on, e.g. "Linux 6.18.44"
	Go     string `json:"go,omitempty"`     // measured: the Go release, e.g. "go1.26.8"
	Date   string `json:"date,omitempty"`   // measured: the day it was seen, YYYY-MM-DD
}

// Seen is the provenance of an outcome seen on kernel with Go release
// goVersion on date; why cites what explains it (may be empty).
func Seen(kernel, goVersion, date, why string) Provenance {
	return Provenance{Basis: Measured, Kernel: kernel, Go: goVersion, Date: date, Source: why}
}

// FromSource is the provenance of an outcome read from source: a file and
// the function in it.
func FromSource(source string) Provenance { return Provenance{Basis: Inferred, Source: source} }

// String says it in one line: "measured on Linux 6.18.44, go1.26.8,
// 2026-11-25 (why)" or "inferred from source".
func (p Provenance) String() string {
	if p.Basis != Measured {
		return "inferred from " + p.Source
	}
	s := "measured on " + strings.Join(slices.DeleteFunc([]string{p.Kernel, p.Go, p.Date}, func(s string) bool { return s == "" }), ", ")
	if p.Source != "" {
		s += " (" + p.Source + ")"
	}
	return s
}

// Expectation is what a built-in transport shows for an observed
// behaviour on one OS: one of Outcomes, more than one where the source
// leaves the outcome to timing.
type Expectation struct {
	Behaviour  string   // catalogue ID
	Transports []string // built-in transport names
	OS         string   // runtime.GOOS
	Outcomes   []string // the spec's outcome text, exactly; any one of them
	Provenance
}

// Expected returns what transport must show for behaviour on goos. Only
// built-in kinds are checked: a custom or relay transport records what it
// does whatever its name.
func Expected(behaviour, transport string, kind harness.Kind, goos string) (Expectation, bool) {
	if kind == harness.KindCustom || kind == harness.KindRelay {
		return Expectation{}, false
	}
	for _, e := range expectations {
		if e.Behaviour == behaviour && e.OS == goos && slices.Contains(e.Transports, transport) {
			return e, true
		}
	}
	return Expectation{}, false
}

// Expectations returns the whole table, for reports and the table's own
// tests.
func Expectations() []Expectation { return slices.Clone(expectations) }

// EntryCheck carries a Check: an observation compared with what is
// expected of it, so the report can show a difference from an inferred
// expectation that did not fail the spec.
const EntryCheck = "streamspec.check"

// Check is one observation compared with its expectation.
type Check struct {
	Behaviour string   `json:"behaviour"`
	Transport string   `json:"transport"`
	OS        string   `json:"os"`
	Rule      string   `json:"rule,omitempty"` // what was checked, when it is not the spec's outcome
	Got       string   `json:"got"`
	Detail    string   `json:"detail,omitempty"` // the numbers behind Got
	Want      []string `json:"want"`             // any one of them
	Matches   bool     `json:"matches"`
	// Inconclusive: the measurement could not tell the outcomes apart (a
	// sweep whose repeats spread wider than its settings differ, Noisy),
	// so it neither agrees nor disagrees; recorded, never failed.
	Inconclusive bool       `json:"inconclusive,omitempty"`
	Provenance   Provenance `json:"provenance"`
}

// Fails reports whether the check fails its spec: the observation differs
// from a measured expectation. One that differs from an inferred
// expectation, or that could not tell, is recorded, not failed.
func (c Check) Fails() bool { return !c.Matches && !c.Inconclusive && c.Provenance.Basis == Measured }

// Differs reports whether the observation contradicts the expectation,
// whatever its basis: it neither matches nor is inconclusive.
func (c Check) Differs() bool { return !c.Matches && !c.Inconclusive }

// Err is the spec's failure for a check that Fails, else nil.
func (c Check) Err() error {
	if !c.Fails() {
		return nil
	}
	return fmt.Errorf("%s", c)
}

// String says what was seen against what was expected, and where the
// expectation comes from.
func (c Check) String() string {
	want := make([]string, len(c.Want))
	for i, w := range c.Want {
		want[i] = fmt.Sprintf("%q", w)
	}
	what := c.Transport + " on " + c.OS
	if c.Rule != "" {
		what += ", " + c.Rule
	}
	verb := "expected"
	switch {
	case c.Matches:
		verb = "as expected"
	case c.Inconclusive:
		verb = "too noisy to compare with the expected"
	}
	got := fmt.Sprintf("%q", c.Got)
	if c.Detail != "" {
		got += " (" + c.Detail + ")"
	}
	return fmt.Sprintf("%s: got %s, %s %s (source: %s)", what, got, verb, strings.Join(want, " or "), c.Provenance)
}

// NewCheck compares got with the outcomes want.
func NewCheck(behaviour, transport, goos, rule, got string, want []string, p Provenance) Check {
	return Check{Behaviour: behaviour, Transport: transport, OS: goos, Rule: rule, Got: got,
		Want: slices.Clone(want), Matches: slices.Contains(want, got), Provenance: p}
}

// CheckOutcome compares the outcome a transport showed for behaviour on
// goos with the table; ok is false where nothing is expected.
func CheckOutcome(behaviour, transport string, kind harness.Kind, goos, outcome string) (c Check, ok bool) {
	e, ok := Expected(behaviour, transport, kind, goos)
	if !ok {
		return Check{}, false
	}
	return NewCheck(behaviour, transport, goos, "", outcome, e.Outcomes, e.Provenance), true
}

// OnlyRecorded reports whether observed specs only record what a transport
// of kind k does: a custom transport or a relay, for which no outcome is
// declared (Expected). A call that fails in such a spec becomes its
// outcome instead of a failure.
func OnlyRecorded(k harness.Kind) bool { return k == harness.KindCustom || k == harness.KindRelay }
