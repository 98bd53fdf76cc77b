package suites

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
)

// firstPairsFailed is a transport whose first two pairs, opened at once,
// both failed: a proxy that is down, a wrong upstream address, a factory
// that always fails. Every spec would fail the same way, so its specs
// stop after the first.
type firstPairsFailed struct{ first, second error }

func (f *firstPairsFailed) Error() string {
	msg := f.first.Error()
	if digits.ReplaceAllString(msg, "#") != digits.ReplaceAllString(f.second.Error(), "#") {
		msg += "\nthe other first pair: " + f.second.Error()
	}
	return msg
}

// digits are what differs between two failures of the same kind: ports,
// times, counts.
var digits = regexp.MustCompile(`[0-9]+`)

var (
	deadMu sync.Mutex
	dead   = map[string]string{} // transport -> why its specs do not run
)

// deadTransport says why transport's specs do not run, or "".
func deadTransport(transport string) string {
	deadMu.Lock()
	defer deadMu.Unlock()
	return dead[transport]
}

// ownSuite is set when the running suite holds streamspec's specs and
// nothing else (suites.Run, the streamspec command, a Ginkgo suite of
// DescribeConformance alone): stopping it early skips none of the user's
// own specs.
var ownSuite atomic.Bool

var _ = ReportBeforeSuite(func(r Report) {
	ownSuite.Store(r.PreRunStats.TotalSpecs == len(specs)*len(columns))
})

// stop ends the spec whose transport failed its first pairs, and marks the
// transport so its other specs are skipped with the reason. When every
// transport of a suite of streamspec's own has failed so, the suite stops
// here: one message, not one per spec.
func stop(transport string, f *firstPairsFailed) {
	GinkgoHelper()
	msg := fmt.Sprintf("opening a pair: %v\n(its first two pairs, opened at once, both failed: streamspec runs none of %s's other specs, which would fail the same way)", f, transport)
	deadMu.Lock()
	dead[transport] = fmt.Sprintf("transport %s failed to open its first pairs: %s", transport, firstLine(f.first.Error()))
	all := !slices.ContainsFunc(columns, func(name string) bool { _, ok := dead[name]; return !ok })
	deadMu.Unlock()
	if all && ownSuite.Load() {
		AbortSuite(msg)
	}
	Fail(msg)
}
