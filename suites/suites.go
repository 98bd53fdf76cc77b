// Package suites declares streamspec's Ginkgo specs once, as shared
// behaviours, and runs them against any transport.
//
// Under plain go test:
//
//	func TestMine(t *testing.T) { suites.Run(t, harness.FromMakePipe("mine", makePipe)) }
//
// Inside an existing Ginkgo suite:
//
//	var _ = suites.DescribeConformance(harness.FromMakePipe("mine", makePipe))
package suites

import (
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/proxies"
	"github.com/streamspec/streamspec/internal/report"
)

// DefaultTimeout bounds every spec that does not declare its own: a
// transport that hangs costs seconds, never the run.
const defaultTimeout = 5 * time.Second

// Case is what a spec body gets: a fresh pair from the transport under test
// (closed after the spec) and the transport, to open more.
type specRun struct {
	*pair.Pair
	Tr  harness.Transport
	b   catalogue.Behaviour
	rep *runRecord // while the spec repeats: what this run records
}

type spec struct {
	b       catalogue.Behaviour
	timeout func() time.Duration
	body    func(ctx SpecContext, c *specRun)
}

var specs []spec

// behaviour declares the spec for b: body runs once per transport.
// A racy spec's timeout grows with the runs it makes (repeat).
func behaviour(b catalogue.Behaviour, timeout time.Duration, body func(ctx SpecContext, c *specRun)) bool {
	if timeout == 0 {
		timeout = defaultTimeout
	}
	return behaviourBounded(b, func() time.Duration { return repeatedTimeout(b.ID, timeout) }, body)
}

// behaviourBounded is behaviour with a timeout that depends on flags: it
// is asked for when Ginkgo builds the tree, after flags are parsed.
func behaviourBounded(b catalogue.Behaviour, timeout func() time.Duration, body func(ctx SpecContext, c *specRun)) bool {
	specs = append(specs, spec{b, timeout, body})
	return true
}

// DescribeConformance declares every behaviour in the catalogue as specs
// against tr, in a container named after it.
//
// A spec's body may take its own timeout plus one bound.CloseTimeout,
// for a Close that is slow but returns. The bound is a NodeTimeout on the
// It, not a SpecTimeout: Ginkgo holds a spec's cleanup nodes to its
// SpecTimeout and cuts a context-less one off at once when it passes
// (internal/suite.go runNode), which would turn a slow Close in the pair's
// cleanup into a bare "spec timeout". Cleanups are bounded by the harness
// instead: each Close by bound.CloseTimeout.
func DescribeConformance(tr harness.Transport) bool {
	name := tr.Name()
	columns = append(columns, name)
	return Describe(name, Label("transport:"+labelSafe(name)), func() {
		ReportAfterEach(failSkipThatFailed)
		ReportAfterEach(func(r SpecReport) { judgeDeparture(tr, r) })
		for _, s := range specs {
			It(s.b.ID, Label(string(s.b.Class), s.b.Area), NodeTimeout(s.timeout()+bound.CloseTimeout), GracePeriod(time.Second),
				func(ctx SpecContext) {
					defer endObservation()
					c := open(ctx, tr, s.b)
					n, err := repeats()
					switch _, ok := racy[s.b.ID]; {
					case err != nil && ok:
						failf("%v", err)
					case ok && n > 1:
						repeat(ctx, c, s, n)
					default:
						s.body(ctx, c)
					}
				})
		}
	})
}

// failSkipThatFailed fails a spec that skipped itself (unsupported, after
// its pair was open) and then failed in a cleanup: a leak found after the
// skip, a Close that hung. Ginkgo keeps such a spec skipped and the
// failure as an "additional failure" that fails nothing, so the cell would
// say unsupported over a leak.
func failSkipThatFailed(r SpecReport) {
	if r.State != types.SpecStateSkipped || len(r.AdditionalFailures) == 0 {
		return
	}
	otherFailures.Add(1)
	f := r.AdditionalFailures[0].Failure
	Fail(fmt.Sprintf("after the spec skipped itself (%s): %s", r.Failure.Message, f.Message))
}

// open makes the spec's pair, skipping with the reason when the transport
// cannot run here or lacks an ability the behaviour needs.
func open(ctx SpecContext, tr harness.Transport, b catalogue.Behaviour) *specRun {
	GinkgoHelper()
	// A failure shows the rule it broke after what was seen: registered
	// first, this cleanup runs last, once the failure is in the timeline.
	opened := false // a pair that does not open breaks no rule
	DeferCleanup(func() {
		if opened && CurrentSpecReport().Failed() {
			AddReportEntry("rule", fmt.Sprintf("%s (%s): %s", b.ID, b.Class, b.Rule), ReportEntryVisibilityFailureOrVerbose)
		}
	})
	closeHung.Store(false)
	if why := deadTransport(tr.Name()); why != "" {
		Skip("not run: " + why)
	}
	p, lacking, err := openGuarded(ctx, tr, b.Needs)
	if reason, ok := pair.IsUnavailable(err); ok {
		Skip(report.UnavailablePrefix + reason)
	}
	if lacking != "" {
		Skip(report.UnsupportedPrefix + tr.Name() + " lacks " + string(lacking))
	}
	var dead *firstPairsFailed
	if errors.As(err, &dead) {
		stop(tr.Name(), dead)
	}
	if err != nil {
		Fail("opening a pair: " + err.Error())
	}
	opened = true
	c := &specRun{Pair: p, Tr: tr, b: b}
	pairBusy.Store(bound.Busy(c.busy))
	DeferCleanup(func() { pairBusy.Store(bound.Busy(nil)) })
	DeferCleanup(func() {
		if err := closePair(p); err != nil {
			Fail("closing the pair: " + err.Error())
		}
	})
	AddReportEntry(report.EntryPair, report.PairInfo{Transport: p.Transport, Kind: p.Kind, Abilities: p.Abilities(), Notes: tr.Traits().Notes},
		ReportEntryVisibilityNever)
	c.Require(b.Needs...)
	return c
}

// Require skips the spec as unsupported unless the pair has every ability.
func (c *specRun) Require(abilities ...harness.Ability) {
	GinkgoHelper()
	for _, a := range abilities {
		if !c.Can(a) {
			Skip(report.UnsupportedPrefix + c.Transport + " lacks " + string(a))
		}
	}
}

// Observe records what the spec saw as the matrix cell for this behaviour.
// While the spec repeats, the run keeps it (repeat records the runs).
func (c *specRun) Observe(summary string, values map[string]any) {
	if c.rep != nil {
		o := observation{summary: summary, values: values}
		if _, ok := values["outcome"]; ok {
			c.rep.outcome = &o
		} else {
			c.rep.observations = append(c.rep.observations, o)
		}
		return
	}
	AddReportEntry(report.EntryObservation, report.Observation{
		Behaviour: c.b.ID, Transport: c.Transport, Summary: summary, Values: values,
	}, ReportEntryVisibilityFailureOrVerbose)
}

func labelSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("&|!,()/{}:\" ", r) {
			return '_'
		}
		return r
	}, s)
}

// hint records, for a failure about to be reported, which of the proxy's
// settings governs cut, seen after d: the proxy's own option where the
// transport names a proxy streamspec knows (harness.Traits.Proxy), else a
// general hint.
func (c *specRun) hint(cut proxies.Cut, d time.Duration) {
	c.setting(proxies.Hint(proxies.Kind(c.Tr.Traits().Proxy), cut, d))
}

// setting records text, the setting that governs what the spec saw, in
// the failure's output and the report.
func (c *specRun) setting(text string) {
	if c.rep != nil {
		if c.rep.hint == "" {
			c.rep.hint = text
		}
		return
	}
	AddReportEntry("setting", text, ReportEntryVisibilityFailureOrVerbose)
	AddReportEntry(report.EntryObservation, report.Observation{Behaviour: c.b.ID, Transport: c.Transport, Values: map[string]any{"setting": text}},
		ReportEntryVisibilityNever) // for the report: the entry above is what the failure shows
}
