package gallery

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/internal/report"
)

// Finding explains one verdict of the gallery run that is not a plain pass:
// a failure, or a pass or unsupported that is itself wrong. make gallery
// fails on a failure no finding explains and on a finding that no longer
// happens, so the table stays true.
type Finding struct {
	Entry     string         // the gallery entry
	Behaviour string         // the spec
	Verdict   report.Verdict // the verdict explained; empty means fail
	// Seen is text of the spec's message that identifies this failure, not
	// another. Where the message gives a time (a proxy's timeout cutting a
	// connection), Seen names it to a tenth of a second and OrSeen the
	// tenths around it that a timer and a loaded machine reach: a finding
	// is about the cause, not the last ten milliseconds.
	Seen string
	// OrSeen are the texts of the other messages the same cause gives on
	// some runs (which end of a race sees it first); none if there is one.
	OrSeen   []string
	Class    Class
	Citation string // the library's file and function or doc sentence (for a harness defect, what in the library sets it off)
	Why      string // one line
	// Intermittent marks a failure that comes from a race in the library:
	// it happens on most runs, and a run where the spec passes does not make
	// the finding stale.
	Intermittent bool
}

// seenIn reports whether text shows this finding.
func (f Finding) seenIn(text string) bool {
	return strings.Contains(text, f.Seen) || slices.ContainsFunc(f.OrSeen, func(s string) bool { return strings.Contains(text, s) })
}

func (f Finding) verdict() report.Verdict {
	if f.Verdict == "" {
		return report.Fail
	}
	return f.Verdict
}

// Class says whose the finding is.
type Class string

const (
	// Nonconformance: the library breaks the stream contract, and its docs
	// do not say so.
	Nonconformance Class = "nonconformance"
	// DesignChoice: the library breaks the rule on purpose and says so in
	// its docs or source.
	DesignChoice Class = "design choice"
)

// HarnessDefect is a verdict streamspec gets wrong on this library,
// tracked as item n of issue 11; once fixed, the finding goes stale and
// make gallery says so.
func HarnessDefect(item int) Class {
	return Class(fmt.Sprintf("harness defect, issue 11 item %d", item))
}

// NewHarnessDefect is a wrong verdict not yet filed as an issue item.
const NewHarnessDefect Class = "harness defect, not yet filed"
