package suites

import (
	"fmt"
	"net"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/internal/units"
	"github.com/streamspec/streamspec/suites/internal/checkos"
)

// Outcome records what an observed spec saw (summary is the matrix cell,
// values the numbers behind it) and, for a built-in transport with an
// expectation on this OS, checks outcome against it: a difference from a
// measured expectation fails the spec, one from an inferred expectation is
// recorded for the report. outcome is categorical (no timings or counts)
// so that it is stable.
func (c *specRun) Outcome(outcome, summary string, values map[string]any) {
	GinkgoHelper()
	if values == nil {
		values = map[string]any{}
	}
	values["outcome"] = outcome
	if c.rep != nil {
		c.rep.outcome = &observation{summary: summary, values: values, checked: true} // checked once the runs are in
		return
	}
	c.Observe(summary, values)
	if check, ok := expect.CheckOutcome(c.b.ID, c.Transport, c.Kind, checkos.GOOS, outcome); ok {
		check.Detail = summary
		c.expect(check)
	}
}

// expect records each check for the report and fails the spec with every
// check that breaks a measured expectation.
func (c *specRun) expect(checks ...expect.Check) {
	GinkgoHelper()
	var failed []string
	for _, ch := range checks {
		AddReportEntry(expect.EntryCheck, ch, ReportEntryVisibilityFailureOrVerbose)
		if ch.Fails() {
			failed = append(failed, ch.String())
		}
	}
	if len(failed) > 0 {
		failf("%s", strings.Join(failed, "\n"))
	}
}

// must ends an observed spec's step that failed: err is the step's error,
// a hang or an error the spec cannot go on from. Where observed outcomes
// are only recorded (a custom or relay transport: harness.Kind.OnlyRecorded),
// it records "<what>: <error>" as the outcome and ends the spec, which
// passes: what happened is the finding. On a built-in kind, and for a
// panic anywhere, the spec fails.
func (c *specRun) must(what string, err error) {
	GinkgoHelper()
	if err == nil {
		return
	}
	if !expect.OnlyRecorded(c.Kind) || bound.IsPanic(err) {
		failf("%s: %v", what, err)
	}
	c.Observe(fmt.Sprintf("%s: %v", what, err), map[string]any{"outcome": what + ": " + eventName(err), "error": err.Error(), report.StepError: err.Error()})
	panic(observationEnded{})
}

// observationEnded ends an observed spec once must has recorded its outcome.
type observationEnded struct{}

// endObservation, deferred by every spec, lets a spec that must ended
// pass; any other panic (Ginkgo's Fail and Skip included) goes on up.
func endObservation() {
	if v := recover(); v != nil {
		if _, ok := v.(observationEnded); !ok {
			panic(v)
		}
	}
}

// mustWithin runs op within d as an observed spec's step (see must) and
// returns nothing: its error has ended the spec.
func (c *specRun) mustWithin(d time.Duration, what string, op func() error) {
	GinkgoHelper()
	c.must(what, bound.Within(d, what, op))
}

// mustSetDeadline calls a deadline setter as an observed spec's step.
func (c *specRun) mustSetDeadline(what string, set func(time.Time) error, t time.Time) {
	GinkgoHelper()
	c.mustWithin(opBound, what, func() error { return set(t) })
}

// closeObserved closes conn as an observed spec's step: a Close that hangs
// or panics ends the spec (see must); an error it returns is part of the
// outcome, as "; <what>: <error>" (nothing when Close succeeds).
func (c *specRun) closeObserved(what string, conn net.Conn) string {
	GinkgoHelper()
	err := closeOne(c.Transport, what, conn)
	if bound.IsHung(err) || bound.IsPanic(err) {
		c.must(what, err)
	}
	if err != nil {
		return fmt.Sprintf("; %s: %s", what, eventName(err))
	}
	return ""
}

// EventWait bounds a Read or Write whose result a spec records: one that
// has not returned by then is recorded as "timeout" (with a deadline) or
// "blocks" (without).
const eventWait = 500 * time.Millisecond

// readEvents records up to limit successive Reads on c as "data" (merged,
// counted in bytes) and error names, stopping at io.EOF, a timeout, a
// repeated error or a Read that blocks.
func readEvents(c *specRun, conn net.Conn, limit int) (events []string, bytes int) {
	buf := make([]byte, 4096)
	for range limit {
		var n int
		readBound, wait := eventWait, eventWait // no deadline: a Read still blocked then is abandoned
		if ready, err := kernel.WaitReadable(conn, opBound); err == nil && ready {
			// The kernel has the data, end or error: the Read returns at
			// once, however late a busy machine runs it.
			readBound, wait = opBound, opBound
		}
		if c.Can(harness.ReadDeadline) {
			readBound += wait // as long again for the deadline to act
		}
		err := bound.Within(readBound, "Read", func() error {
			if c.Can(harness.ReadDeadline) {
				_ = conn.SetReadDeadline(time.Now().Add(wait))
			}
			var err error
			n, err = conn.Read(buf)
			return err
		})
		if n > 0 {
			bytes += n
			if len(events) == 0 || events[len(events)-1] != "data" {
				events = append(events, "data")
			}
		}
		if err == nil {
			continue
		}
		name := eventName(err)
		if len(events) > 0 && events[len(events)-1] == name {
			break
		}
		events = append(events, name)
		if name == "EOF" || name == "timeout" || name == "blocks" {
			break
		}
	}
	return events, bytes
}

// writeEvents records Writes of a small message on conn: how many succeed
// before the first error (up to limit, within one second), then the errors
// of up to then more Writes with consecutive repeats collapsed.
func writeEvents(c *specRun, conn net.Conn, limit, then int) (ok int, errs []string) {
	start := time.Now()
	for ok < limit && time.Since(start) < time.Second {
		err := writeOnce(c, conn)
		if err == nil {
			ok++
			continue
		}
		errs = append(errs, eventName(err))
		for range then {
			if errs[len(errs)-1] == "blocks" {
				break // the next Write would only queue behind this one
			}
			if name := eventName(writeOnce(c, conn)); name != errs[len(errs)-1] {
				errs = append(errs, name)
			}
		}
		break
	}
	return ok, errs
}

// writeOnce writes a small message, giving up after EventWait: through the
// write deadline where there is one (as long again for it to act), by
// abandoning the Write where there is none.
func writeOnce(c *specRun, conn net.Conn) error {
	writeBound := eventWait
	if c.Can(harness.WriteDeadline) {
		writeBound += eventWait
	}
	return bound.Within(writeBound, "Write", func() error {
		if c.Can(harness.WriteDeadline) {
			_ = conn.SetWriteDeadline(time.Now().Add(eventWait))
		}
		_, err := conn.Write([]byte("0123456789"))
		return err
	})
}

// writeOutcome is "ok" if any Write succeeded, then the error names.
func writeOutcome(ok int, errs []string) string {
	if ok > 0 {
		errs = append([]string{"ok"}, errs...)
	}
	return strings.Join(errs, ", ")
}

// writeSummary is writeOutcome with the count of successful Writes.
func writeSummary(ok int, errs []string) string {
	if ok > 0 {
		errs = append([]string{fmt.Sprintf("%d ok", ok)}, errs...)
	}
	return strings.Join(errs, ", ")
}

// readOutcome names the reads, with "data" marked "partial data" when
// fewer than want bytes came.
func readOutcome(events []string, bytes, want int) string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e
		if e == "data" && bytes < want {
			out[i] = "partial data"
		}
	}
	return strings.Join(out, ", ")
}

// readSummary is the reads with the data's size.
func readSummary(events []string, bytes int) string {
	return strings.ReplaceAll(strings.Join(events, ", "), "data", units.Bytes(int64(bytes)))
}

// eventName is errName, with "ok" for nil and "blocks" for a hung call.
func eventName(err error) string {
	switch {
	case err == nil:
		return "ok"
	case bound.IsHung(err):
		return "blocks"
	}
	return errName(err)
}

// waitFor polls cond until it holds or d passes, and reports whether it
// held: a watchdog for kernel state that has no event to wait on.
func waitFor(d time.Duration, cond func() bool) bool {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(d)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			return cond()
		}
	}
	return true
}

// arrived waits until conn's kernel receive queue holds n bytes, where
// the transport lets the harness look; it reports false only when it
// looked and they did not arrive within d.
func arrived(conn net.Conn, n int, d time.Duration) bool {
	if _, err := kernel.Unread(conn); err != nil {
		return true
	}
	return waitFor(d, func() bool { q, err := kernel.Unread(conn); return err == nil && q >= n })
}

func join(parts []string) string { return strings.Join(parts, ", ") }

// skipRefused skips the spec as unavailable when err says the transport's
// socket refuses the option it needs (what): a TCP variant without it, not
// a failure of the transport.
func (c *specRun) skipRefused(what string, err error) {
	GinkgoHelper()
	if errno, ok := kernel.Refused(err); ok {
		Skip(fmt.Sprintf("%s%s refuses %s: %s (%v)", report.UnavailablePrefix, c.Transport, what, errno, err))
	}
}
