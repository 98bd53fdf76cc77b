package suites

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
)

// OpBound bounds a single Read, Write or Close a spec expects to return.
const OpBound = 2 * time.Second

// settleBound is how long a spec gives a buffered transport to finish a
// small Write (and Close) on its own before the peer starts reading; a
// synchronous transport takes the other path, still correct.
const settleBound = 500 * time.Millisecond

// within runs op on the transport, failing the spec if it hangs past d or
// panics, and returns op's own error.
func within(d time.Duration, what string, op func() error) error {
	GinkgoHelper()
	err := harness.Within(d, what, op)
	if harness.IsHung(err) || harness.IsPanic(err) {
		Fail(err.Error())
	}
	return err
}

// watch runs transfers under the harness's stall watchdog and fails the
// spec on the first error, naming what hung if nothing moved.
func watch(progress *atomic.Int64, ops map[string]func() error) {
	GinkgoHelper()
	if err := harness.Watch(progress, ops); err != nil {
		Fail(err.Error())
	}
}

// setDeadline calls a deadline setter within OpBound and fails the spec
// if it returns an error: even a setter may hang on a hostile transport.
func setDeadline(what string, set func(time.Time) error, t time.Time) {
	GinkgoHelper()
	Expect(within(OpBound, what, func() error { return set(t) })).To(Succeed(), what)
}

// closeHung is set once a Close has hung in the running spec; open clears
// it. The spec's later Closes are skipped: it has failed already, and a
// transport whose Close never returns costs one harness.CloseTimeout a
// spec. (harness.CloseWithin shortens that for the transport's later
// specs.)
var closeHung atomic.Bool

// closeOne closes one endpoint of transport with harness.CloseWithin,
// records its time if it was slow, and returns Close's own error, or a
// HungError or PanicError. Close's own error fails no spec by itself: a
// Close may report that the peer had gone or that a close handshake timed
// out and still have closed; specs judge it by what the endpoint does
// afterwards.
func closeOne(transport, what string, c net.Conn) error {
	if closeHung.Load() {
		return fmt.Errorf("%s not called: an earlier Close in this spec hung", what)
	}
	t, err := harness.CloseWithin(transport, what, c.Close)
	recordClose(t)
	if t.Hung {
		closeHung.Store(true)
	}
	return err
}

// close closes one endpoint of the spec's pair as a step of a spec: it
// fails the spec if Close hangs or panics and returns Close's own error.
func (c *Case) close(what string, conn net.Conn) error {
	GinkgoHelper()
	err := closeOne(c.Transport, what, conn)
	if harness.IsHung(err) || harness.IsPanic(err) {
		Fail(fmt.Sprintf("transport %s: %v", c.Transport, err))
	}
	return err
}

// recordClose attaches a Close that was slow, or hung, to the spec's
// report: the matrix shows how long it took (values close_ms).
func recordClose(t harness.CloseTime) {
	if t.Slow() || t.Hung {
		AddReportEntry(harness.EntryClose, t, ReportEntryVisibilityFailureOrVerbose)
	}
}

// closePair closes p, unless a Close already hung, and records slow Closes.
func closePair(p *harness.Pair) error {
	if closeHung.Load() {
		return fmt.Errorf("transport %s: pair not closed: an earlier Close hung", p.Transport)
	}
	err := p.Close()
	for _, t := range p.CloseTimes() {
		recordClose(t)
	}
	if harness.IsHung(err) {
		closeHung.Store(true)
	}
	return err
}

// closeAll closes pairs at once, so a transport whose Close hangs costs
// one harness.CloseTimeout, not one per pair.
func closeAll(pairs []*harness.Pair) error {
	errs := make([]error, len(pairs))
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Go(func() { errs[i] = closePair(p) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// readFull reads exactly len(p) bytes from c within d.
func readFull(c net.Conn, p []byte, d time.Duration, what string) error {
	GinkgoHelper()
	return within(d, what, readAll(c, p))
}

// readAll is a Read loop that fills p.
func readAll(c net.Conn, p []byte) func() error {
	return func() error {
		for got := 0; got < len(p); {
			n, err := c.Read(p[got:])
			got += n
			if err != nil && got < len(p) {
				return fmt.Errorf("after %d of %d bytes: %w", got, len(p), err)
			}
		}
		return nil
	}
}

// fillUntilBlocked writes to c with the reader stopped until Write stops
// making progress for one settle period, and returns the bytes accepted by
// completed Writes while the last one is still blocked; done reports the
// writer's end. It fails the spec if more than limit bytes go in.
func fillUntilBlocked(ctx SpecContext, c net.Conn, seed uint64, limit int64, settle time.Duration) (accepted *atomic.Int64, done chan error) {
	GinkgoHelper()
	accepted = new(atomic.Int64)
	done = make(chan error, 1)
	go func() { done <- harness.SendPattern(c, seed, limit+1, accepted, 64<<10) }()
	last := int64(-1)
	Eventually(ctx, func() int64 {
		select {
		case err := <-done:
			if err == nil {
				StopTrying(fmt.Sprintf("all %d bytes accepted without blocking: buffering is unbounded", limit+1)).Now()
			}
			StopTrying("writer failed before blocking").Wrap(err).Now()
		default:
		}
		prev := last
		last = accepted.Load()
		return last - prev
	}).WithTimeout(DefaultTimeout).WithPolling(settle).Should(BeZero(), "writer never blocked")
	return accepted, done
}
