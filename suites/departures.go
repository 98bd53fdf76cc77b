package suites

import (
	"fmt"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/suites/internal/checkos"
)

// The failures this process saw: those the departures table explains (a
// built-in breaking a contract rule as measured) and all others.
var (
	departed      atomic.Int64
	otherFailures atomic.Int64
)

// judgeDeparture, after each spec on tr, counts its failure as a measured
// departure (expect.DepartureFor, its message showing the departure) or
// as any other failure, and fails a spec that passes where the table says
// it departs: the row is stale.
func judgeDeparture(tr harness.Transport, r SpecReport) {
	if r.LeafNodeType != types.NodeTypeIt {
		return
	}
	d, ok := expect.DepartureFor(r.LeafNodeText, tr.Name(), tr.Traits().Kind, checkos.GOOS)
	switch {
	case ok && r.State == types.SpecStatePassed:
		otherFailures.Add(1)
		Fail(fmt.Sprintf("%s passed %s, which the departures table says it fails on %s (%q; %s): the row is stale",
			tr.Name(), r.LeafNodeText, d.OS, d.Seen, d.Provenance))
	case !r.Failed():
	case ok && len(r.AdditionalFailures) == 0 && d.Explains(r.Failure.Message):
		departed.Add(1)
	default:
		otherFailures.Add(1)
	}
}

// departuresT is the test RunSpecs reports to: a run whose only failures
// are measured departures passes, saying so; the matrix shows them.
type departuresT struct{ t failLogger }

// failLogger is what departuresT needs of a *testing.T.
type failLogger interface {
	Fail()
	Helper()
	Logf(format string, args ...any)
}

func (d departuresT) Fail() {
	d.t.Helper()
	if n := departed.Load(); n > 0 && otherFailures.Load() == 0 && !suiteFailed.Load() {
		d.t.Logf("%d spec(s) failed as the departures table says they do on %s (internal/expect/departures.go): the failures are findings, not regressions", n, checkos.GOOS)
		return
	}
	d.t.Fail()
}

// suiteFailed is set when a suite-level node (the report) fails.
var suiteFailed atomic.Bool
