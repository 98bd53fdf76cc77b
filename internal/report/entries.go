package report

import (
	"slices"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/units"
)

// Report entry names. Specs attach these to their Ginkgo report with
// AddReportEntry; the report model reads them back from the JSON form, so
// every field is JSON with snake_case names and stays stable.
const (
	// EntryPair carries a PairInfo: the transport and its discovered abilities.
	EntryPair = "streamspec.pair"
	// EntryObservation carries an Observation: what the spec saw, as the
	// text of a matrix cell plus the numbers behind it.
	EntryObservation = "streamspec.observation"
)

// UnsupportedPrefix starts the skip message of a spec that needs an
// ability the transport lacks; UnavailablePrefix one whose transport
// cannot run on this machine.
const (
	UnsupportedPrefix = "unsupported: "
	UnavailablePrefix = "unavailable: "
)

// PairInfo describes the transport a spec ran on.
type PairInfo struct {
	Transport string            `json:"transport"`
	Kind      harness.Kind      `json:"kind"`
	Abilities []harness.Ability `json:"abilities"`
	Notes     string            `json:"notes,omitempty"` // Traits.Notes
}

// Observation is what a spec measured or saw.
type Observation struct {
	Behaviour string         `json:"behaviour"`
	Transport string         `json:"transport"`
	Summary   string         `json:"summary"`          // one short cell, e.g. "ECONNRESET after 10 B"
	Values    map[string]any `json:"values,omitempty"` // the numbers behind it
	Spread    *Spread        `json:"spread,omitempty"` // a value repeated on fresh pairs
}

// SpreadOf is the spread of values measured on fresh pairs, of what they
// measure (e.g. "accepted_bytes").
func SpreadOf(of string, values []int64) *Spread {
	if len(values) == 0 {
		return nil
	}
	v := slices.Sorted(slices.Values(values))
	return &Spread{Of: of, Min: v[0], Median: v[(len(v)-1)/2], Max: v[len(v)-1], Samples: len(v)}
}

// Range says the spread in a cell: "233 152 B on 3 pairs",
// "3 866 624–3 956 736 B on 3 pairs".
func (s Spread) Range() string {
	r := units.Bytes(s.Min)
	if s.Min != s.Max {
		r = units.Digits(s.Min) + units.Dash + units.Bytes(s.Max)
	}
	return r + " on " + units.Count(s.Samples, "pair", "pairs")
}

// StepError is the Values key under which an observed spec records the
// error of the step it could not go on from: the cell is that error.
const StepError = "step_error"

// Error is the error an observed spec recorded as its outcome when a step
// could not be done (Values[StepError]), or "".
func (res Result) Error() string {
	if res.Verdict != Pass {
		return ""
	}
	e, _ := res.Values[StepError].(string)
	return e
}
