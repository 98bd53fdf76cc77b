package report

import "github.com/streamspec/streamspec/harness"

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
}
