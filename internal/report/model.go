package report

import (
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/measure"
)

// SchemaVersion is the version of the JSON form. Adding fields keeps it;
// renaming or removing one, or changing a meaning, increments it.
// Version 2: a row's status may be "errors"; a result may carry the spread
// of its repeats; capacities hold one decomposition per fresh pair; a
// report of custom transports may carry a reference.
const SchemaVersion = 2

// Report is a conformance matrix: behaviours as rows, transports (per
// environment) as columns, one Result per cell.
type Report struct {
	SchemaVersion int           `json:"schema_version"`
	Generator     string        `json:"generator"` // "streamspec"
	Environments  []Environment `json:"environments"`
	Behaviours    []Behaviour   `json:"behaviours"` // rows, in catalogue order
	Transports    []Transport   `json:"transports"` // columns, in registration order
	Results       []Result      `json:"results"`
	Capacities    []Capacity    `json:"capacities"`
	Sweeps        []Sweep       `json:"sweeps"`
	Rows          []Row         `json:"rows"`   // derived by Derive, one per behaviour
	Totals        Totals        `json:"totals"` // derived by Derive
	// Reference is set on a run of custom transports alone: the kernel's
	// transports on the same OS to compare them with (AttachReference).
	Reference *Reference `json:"reference,omitempty"`
}

// Environment is the machine one run happened on. ID is what columns and
// results refer to: the OS name, made unique when reports are merged.
type Environment struct {
	ID            string `json:"id"`
	OS            string `json:"os"`                   // runtime.GOOS
	OSVersion     string `json:"os_version,omitempty"` // distribution or macOS product version
	KernelRelease string `json:"kernel_release,omitempty"`
	Arch          string `json:"arch"`
	GoVersion     string `json:"go_version"`
	CPUs          int    `json:"cpus,omitempty"`
	Date          string `json:"date"` // RFC 3339, UTC: when the run started
	Suite         string `json:"suite,omitempty"`
	Parallel      int    `json:"parallel,omitempty"` // Ginkgo processes
}

// Behaviour is a row: a catalogue entry, or a spec the catalogue does not
// know (Class empty) from a user's suite.
type Behaviour struct {
	ID    string   `json:"id"`
	Area  string   `json:"area"`
	Class string   `json:"class,omitempty"` // "contract", "observed" or empty
	Rule  string   `json:"rule,omitempty"`
	Needs []string `json:"needs,omitempty"`
}

// Transport is a column: one transport in one environment.
type Transport struct {
	Name      string   `json:"name"`
	Env       string   `json:"env"`
	Kind      string   `json:"kind,omitempty"`
	Abilities []string `json:"abilities,omitempty"`
	Notes     string   `json:"notes,omitempty"`
	// Unavailable is set, by Derive, when the transport could not run any
	// spec on this machine: the reason. Rows do not repeat it.
	Unavailable string `json:"unavailable,omitempty"`
}

// Verdict is what one spec did on one transport.
type Verdict string

const (
	Pass        Verdict = "pass"        // the spec passed; Summary holds an observed value, if any
	Fail        Verdict = "fail"        // the spec failed; Reason says why
	Unsupported Verdict = "unsupported" // the transport lacks an ability the spec needs
	Unavailable Verdict = "unavailable" // the transport cannot run on this machine
	Skipped     Verdict = "skipped"     // skipped for another reason
)

// Tested reports whether the spec ran to a pass or a fail.
func (v Verdict) Tested() bool { return v == Pass || v == Fail }

// Result is one cell.
type Result struct {
	Behaviour string         `json:"behaviour"`
	Transport string         `json:"transport"`
	Env       string         `json:"env"`
	Verdict   Verdict        `json:"verdict"`
	Reason    string         `json:"reason,omitempty"`  // one line: the failure, the missing ability, why unavailable
	Summary   string         `json:"summary,omitempty"` // the observed value, e.g. "ECONNRESET after 10 B"
	Values    map[string]any `json:"values,omitempty"`  // the numbers behind Summary
	State     string         `json:"state,omitempty"`   // the test framework's state, e.g. "timedout"
	Location  string         `json:"location,omitempty"`
	Millis    float64        `json:"duration_ms"`
	// Spread is the range of a measurement repeated on fresh pairs, where
	// it varies from pair to pair; rows compare it, never one sample.
	Spread *Spread `json:"spread,omitempty"`
	// Checks compare what the spec saw with what is expected of a built-in
	// on this OS, each with its provenance: one that differs from an
	// inferred expectation leaves the verdict a pass and is shown as
	// differing from the inferred expectation.
	Checks []expect.Check `json:"checks,omitempty"`
}

// Spread is a measurement repeated on fresh pairs: its least, median and
// most value, and how many pairs. Two transports differ in it only where
// their ranges, each widened by its own width, do not meet.
type Spread struct {
	Of      string `json:"of"` // the value: "accepted_bytes", "wakeup_after_bytes"
	Min     int64  `json:"min"`
	Median  int64  `json:"median"`
	Max     int64  `json:"max"`
	Samples int    `json:"samples"`
}

// Capacity is a measure.Capacity with the spec and environment it came
// from; its fields keep the names measure.Capacity gives them.
type Capacity struct {
	Behaviour string `json:"behaviour"`
	Env       string `json:"env"`
	measure.Capacity
}

// Sweep is a measure.Sweep with the spec and environment it came from.
type Sweep struct {
	Behaviour string `json:"behaviour"`
	Env       string `json:"env"`
	measure.Sweep
}

// RowStatus classifies a row for tools; Row.Verdict says it in words.
type RowStatus string

const (
	Holds       RowStatus = "holds"         // every tested transport passed with one value
	Differs     RowStatus = "differs"       // every tested transport passed, with different values
	Fails       RowStatus = "fails"         // at least one tested transport failed
	DiffersByOS RowStatus = "differs_by_os" // the transports agree within an environment, not across
	Errors      RowStatus = "errors"        // an observed spec could not measure on some transport: its cell is the error
	NotTested   RowStatus = "not_tested"    // no transport ran the spec
)

// Row is the derived statement for one behaviour.
type Row struct {
	Behaviour string    `json:"behaviour"`
	Status    RowStatus `json:"status"`
	Verdict   string    `json:"verdict"`            // e.g. "holds on kernel sockets only"
	Untested  string    `json:"untested,omitempty"` // e.g. "unsupported on net-pipe"; not the transports that are unavailable throughout
	// Unexpected names the columns whose result differs from an inferred
	// expectation (it passed), e.g. "differs from the inferred expectation on tcp4, tcp6".
	Unexpected string `json:"unexpected,omitempty"`
	// Like says, with reference columns, which of the kernel's transports
	// behave as the report's do, e.g. "like TCP, not a Unix socket and a pipe".
	Like string `json:"like,omitempty"`
}

// Totals counts results by verdict.
type Totals struct {
	Results     int `json:"results"`
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	Unsupported int `json:"unsupported"`
	Unavailable int `json:"unavailable"`
	Skipped     int `json:"skipped"`
}
