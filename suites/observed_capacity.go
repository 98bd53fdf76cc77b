package suites

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gmeasure"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/internal/units"
	"github.com/streamspec/streamspec/suites/internal/checkos"
)

// capacityRepeats is how many fresh pairs the capacity and wake-up specs
// fill, for a median and spread where timing or autotuning could move them.
const capacityRepeats = 3

// The bytes accepted before Write blocks with the reader stopped are
// observed, not contract. Where they are MUST add up for a built-in kernel
// transport on Linux: TCP's receiver queue plus the sender's unsent and
// in-flight bytes (less those the receiver holds whose ACK is still on its
// way), a pipe's one buffer (exactly F_GETPIPE_SZ), a Unix socket's
// receiver queue; net.Pipe MUST accept nothing.
var _ = behaviour(catalogue.CapacityDecomposition, 10*time.Second, func(ctx SpecContext, c *specRun) {
	closeReaderFirst(c.Pair)
	exp := gmeasure.NewExperiment("capacity " + c.Transport)
	var deadlineEnded atomic.Pointer[error]
	measureOn := func(opts ...measure.FillOption) func(p *pair.Pair) (measure.Capacity, error) {
		return func(p *pair.Pair) (measure.Capacity, error) {
			cp, err := measure.MeasureCapacity(ctx, p.A, p.B, opts...)
			if errors.Is(err, measure.ErrDeadlineEnded) {
				deadlineEnded.Store(&err)
				return cp, nil
			}
			if err != nil {
				err = fmt.Errorf("method %s, %s accepted: %w", cp.Method, units.Bytes(cp.AcceptedBytes), err)
			}
			return cp, err
		}
	}
	caps := onPairs(ctx, c, "measuring capacity", onFresh(ctx, c, capacityRepeats, c.Pair), measureOn(fillOptions(c)...))
	if why := deadlineEnded.Load(); why != nil {
		// A deadline that ends the connection leaves no capacity to read
		// (coder/websocket): watch a Write without one, on fresh pairs.
		caps = onPairs(ctx, c, "measuring capacity without write deadlines", onFresh(ctx, c, capacityRepeats), measureOn(measure.FillWithoutDeadlines()))
		for i := range caps {
			caps[i].Notes = fmt.Sprintf("measured without write deadlines: with one, %v", *why)
		}
	}
	accepted := make([]int64, len(caps))
	for i := range caps {
		caps[i].Transport = c.Transport
		cp := caps[i]
		accepted[i] = cp.AcceptedBytes
		exp.RecordDuration("settle", time.Duration(cp.SettleMillis)*time.Millisecond)
		checks, err := expect.CheckCapacity(checkos.GOOS, c.Kind, cp)
		c.must(fmt.Sprintf("sample %d", i+1), err)
		c.expect(checks...)
		// Every pair's decomposition: the report draws the median and
		// the range.
		AddReportEntry(measure.EntryCapacity, cp, ReportEntryVisibilityFailureOrVerbose)
	}
	AddReportEntry(exp.Name, exp, ReportEntryVisibilityFailureOrVerbose)
	spread := report.SpreadOf("accepted_bytes", accepted)
	median := caps[slices.Index(accepted, spread.Median)]
	c.observeSpread(spread, spread.Range(), map[string]any{
		"accepted_bytes":        median.AcceptedBytes,
		"sender_queued_bytes":   median.SenderQueuedBytes,
		"in_flight_bytes":       median.InFlightBytes,
		"receiver_queued_bytes": median.ReceiverQueuedBytes,
		"conserved":             median.Conserved,
		"settle_ms":             median.SettleMillis,
		"method":                median.Method,
	})
})

// Capacity against the writer's SO_SNDBUF, the reader's SO_RCVBUF held at
// sweepFixed: on Linux (measured) it MUST follow for TCP and Unix stream
// sockets; macOS is inferred to do the same (expect.KnobExpectations gives
// the kernel source; a difference from an inferred row is only recorded).
var _ = behaviour(catalogue.CapacitySndbuf, 20*time.Second, func(ctx SpecContext, c *specRun) {
	sweep(ctx, c, measure.KnobSndbuf, sweepSizes)
})

// Capacity against the reader's SO_RCVBUF, the writer's SO_SNDBUF held at
// sweepFixed: on Linux (measured) TCP's MUST follow it, a Unix stream
// socket's MUST NOT; on macOS TCP is inferred to read mixed (the SYN-ACK's
// window is never shrunk) and Unix to ignore it.
var _ = behaviour(catalogue.CapacityRcvbuf, 20*time.Second, func(ctx SpecContext, c *specRun) {
	sweep(ctx, c, measure.KnobRcvbuf, sweepSizes)
})

// A pipe's capacity MUST follow its size as set with F_SETPIPE_SZ, and be
// that size to the byte (Linux; macOS has no F_SETPIPE_SZ).
var _ = behaviour(catalogue.CapacityPipeSize, 10*time.Second, func(ctx SpecContext, c *specRun) {
	if c.Kind != harness.KindPipe {
		Skip(report.UnsupportedPrefix + c.Transport + " is not a pipe")
	}
	page := os.Getpagesize()
	if _, err := kernel.SetPipeSize(c.A, page); err != nil {
		Skip(report.UnsupportedPrefix + "pipe size cannot be set here: " + err.Error())
	}
	sweep(ctx, c, measure.KnobPipeSize, []int{page, 4 * page, 16 * page, 64 * page})
})

// After the writer blocks, the reader drains step by step; the writer
// MUST be woken (its descriptor writable) before the buffer is empty, and
// on Linux at the point the kernel's readiness rule gives for its kind.
// A Write then MUST go through. TCP's point moves with the timing of
// window updates, so fresh pairs are sampled for a median and spread.
var _ = behaviour(catalogue.WakeupThreshold, 10*time.Second, func(ctx SpecContext, c *specRun) {
	exp := gmeasure.NewExperiment("wakeup " + c.Transport)
	type sample struct {
		cp measure.Capacity
		wk measure.Wakeup
	}
	pairs := onFresh(ctx, c, capacityRepeats, c.Pair)
	samples := onPairs(ctx, c, "measuring the wake-up", pairs, func(p *pair.Pair) (sample, error) {
		cp, wk, err := measure.MeasureWakeup(ctx, p.A, p.B, fillOptions(c)...)
		return sample{cp, wk}, err
	})
	wakeups, after := make([]measure.Wakeup, len(samples)), make([]int64, len(samples))
	for i, sm := range samples {
		wk, p := sm.wk, pairs[i]
		wk.Transport = c.Transport
		wakeups[i], after[i] = wk, wk.WakeupAfterBytes
		exp.RecordValue("wakeup after", float64(wk.WakeupAfterBytes), gmeasure.Units("B"), gmeasure.Precision(0))
		c.must(fmt.Sprintf("sample %d", i+1), expect.CheckWakeup(runtime.GOOS, c.Kind, int64(os.Getpagesize()), wk))
		if c.Can(harness.WriteDeadline) {
			c.mustSetDeadline("A.SetWriteDeadline", p.A.SetWriteDeadline, time.Now().Add(opBound))
			c.mustWithin(2*opBound, "A.Write after the writer was woken", func() error { _, err := p.A.Write(make([]byte, 1024)); return err })
		}
	}
	AddReportEntry(exp.Name, exp, ReportEntryVisibilityFailureOrVerbose)
	for _, wk := range wakeups {
		AddReportEntry(measure.EntryWakeup, wk, ReportEntryVisibilityFailureOrVerbose)
	}
	spread := report.SpreadOf("wakeup_after_bytes", after)
	i := slices.Index(after, spread.Median)
	median, settle := wakeups[i], samples[i].cp.SettleMillis
	values := map[string]any{
		"wakeup_after_bytes": median.WakeupAfterBytes, "accepted_bytes": median.AcceptedBytes, "step_bytes": median.StepBytes,
		"fraction": median.Fraction, "sender_queued_bytes": median.SenderQueuedAt, "so_sndbuf": median.SoSndbuf, "settle_ms": settle,
	}
	// The rule every pair woke by is the outcome rows compare: the bytes
	// drained move with the timing of window updates.
	if rule := expect.WakeupRule(checkos.GOOS, samples[i].cp.Kind, int64(os.Getpagesize()), wakeups); rule != "" {
		values["outcome"] = rule
	}
	c.observeSpread(spread, "after "+spread.Range()+", of "+units.Bytes(median.AcceptedBytes), values)
})

// observeSpread records a value measured on fresh pairs as the cell,
// with its spread.
func (c *specRun) observeSpread(s *report.Spread, summary string, values map[string]any) {
	values["samples"] = s.Samples
	AddReportEntry(report.EntryObservation, report.Observation{
		Behaviour: c.b.ID, Transport: c.Transport, Summary: summary, Values: values, Spread: s,
	}, ReportEntryVisibilityFailureOrVerbose)
}

// Sweep settings: small, so a point costs milliseconds; the fixed side of
// a buffer sweep sits in the middle.
var (
	sweepSizes = []int{16 << 10, 64 << 10, 256 << 10}
	sweepFixed = 64 << 10
)

// sweep measures capacity on fresh pairs at each setting (repeated, for
// the noise), records a measure.Sweep and checks the kernel's expectation
// for the kind: a difference fails the spec against a measured row and is
// recorded against an inferred one.
func sweep(ctx SpecContext, c *specRun, knob string, settings []int) {
	GinkgoHelper()
	s, err := measure.SweepCapacity(ctx, c.Tr, knob, settings, sweepFixed, fillOptions(c)...)
	c.must("sweeping "+knob, err)
	AddReportEntry(measure.EntrySweep, s, ReportEntryVisibilityFailureOrVerbose)
	var cells []string
	for _, p := range s.Points {
		cells = append(cells, units.Short(p.Setting)+" → "+units.Short(p.AcceptedBytes))
	}
	if n := s.NoiseNote(); n != "" {
		cells = append(cells, n)
	}
	c.Observe(s.Response()+" ("+strings.Join(cells, ", ")+")", map[string]any{"knob": knob, "outcome": s.Response(), "points": s.Points, "noise_bytes": s.Noise()})
	c.expect(expect.CheckSweep(c.b.ID, checkos.GOOS, c.Kind, s)...)
}

// onPairs runs measure on the pairs at once and returns the results in
// their order; an error fails the spec (c.must, as what). The fills mostly wait
// (for delayed ACKs, for autotuned buffers to grow), so n pairs cost
// about one, and a change in the machine's load hits them all alike.
func onPairs[T any](ctx SpecContext, c *specRun, what string, pairs []*pair.Pair, measure func(p *pair.Pair) (T, error)) []T {
	GinkgoHelper()
	n := len(pairs)
	out, errs := make([]T, n), make([]error, n)
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Go(func() { out[i], errs[i] = measure(p) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			c.must(what, fmt.Errorf("sample %d of %d: %w", i+1, n, err))
		}
	}
	return out
}

// onFresh is n pairs: those given, then fresh ones (openAnother).
func onFresh(ctx SpecContext, c *specRun, n int, given ...*pair.Pair) []*pair.Pair {
	GinkgoHelper()
	for len(given) < n {
		given = append(given, openAnother(ctx, c))
	}
	return given
}

func fillOptions(c *specRun) []measure.FillOption {
	if c.Can(harness.WriteDeadline) {
		return nil
	}
	return []measure.FillOption{measure.FillWithoutDeadlines()}
}

// openAnother opens one more pair of the transport under test, closed when
// the spec ends.
func openAnother(ctx SpecContext, c *specRun) *pair.Pair {
	GinkgoHelper()
	p, err := pair.Open(ctx, c.Tr)
	c.must("opening another pair", err)
	DeferCleanup(func() {
		if err := closePair(p); err != nil {
			Fail("closing the extra pair: " + err.Error())
		}
	})
	closeReaderFirst(p)
	return p
}

// closeReaderFirst closes p's reader no later than its writer: a writer
// left with a full buffer may otherwise spend its Close waiting for space
// (crypto/tls sends close_notify with a 5 s deadline), while a peer gone
// fails that at once. Both ends close at once (pair.Pair.Close): a
// reader closed alone first would wait for the writer's reply if its Close
// waits for one (coder/websocket, 5 s). Cleanups run last-in first-out, so
// this runs before the pair's own, which then has nothing to do.
func closeReaderFirst(p *pair.Pair) {
	DeferCleanup(func() {
		if err := closePair(p); err != nil {
			Fail("closing the pair: " + err.Error())
		}
	})
}
