package harness

import (
	"fmt"
	"slices"
)

// Expectation is the outcome a built-in transport must show for an
// observed behaviour on one OS, and where that is known from.
type Expectation struct {
	Behaviour  string   // catalogue ID
	Transports []string // built-in transport names
	OS         string   // runtime.GOOS
	Outcome    string   // the spec's outcome text, exactly
	Source     string   // a Linux or XNU file, a gVisor test, a Go doc, or "measured"
	Inferred   bool     // read from code, not yet measured on OS
}

// String names the expectation and its source for a failure message.
func (e Expectation) String() string {
	s := fmt.Sprintf("%q (source: %s", e.Outcome, e.Source)
	if e.Inferred {
		s += "; inferred, not measured"
	}
	return s + ")"
}

// Expected returns what transport must show for behaviour on goos. Only
// built-in kinds are checked: a custom or relay transport records what it
// does whatever its name.
func Expected(behaviour, transport string, kind Kind, goos string) (Expectation, bool) {
	if kind == KindCustom || kind == KindRelay {
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
