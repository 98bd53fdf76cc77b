package suites

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/units"
)

// An expired read deadline MUST fail Read with an error that is a net.Error
// whose Timeout() is true and that matches os.ErrDeadlineExceeded; a
// deadline already in the past MUST fail at once without consuming data;
// after the timeout the stream MUST be intact.
var _ = behaviour(catalogue.ReadDeadlines, 0, func(ctx SpecContext, c *specRun) {
	setDeadline("B.SetReadDeadline", c.B.SetReadDeadline, time.Now().Add(10*time.Millisecond))
	err := within(opBound, "B.Read with a 10 ms deadline (ignored deadline?)", func() error {
		_, err := c.B.Read(make([]byte, 16))
		return err
	})
	expectTimeout(err, "Read past its deadline")

	done := make(chan error, 1)
	go func() { _, err := c.A.Write([]byte("intact")); done <- err }() // a synchronous transport needs a reader
	setDeadline("B.SetReadDeadline in the past", c.B.SetReadDeadline, time.Now().Add(-time.Second))
	err = within(opBound, "B.Read with a past deadline", func() error { _, err := c.B.Read(make([]byte, 16)); return err })
	expectTimeout(err, "Read with a deadline in the past")

	setDeadline("B.SetReadDeadline(zero)", c.B.SetReadDeadline, time.Time{})
	got := make([]byte, 6)
	noError(readFull(c.B, got, opBound, "B.Read after the deadline is cleared"), "B.Read after the deadline is cleared")
	sameBytes(got, []byte("intact"), "the bytes A wrote around B's read timeouts")
	noError(await(done, opBound, "A's Write of the 6 bytes B reads after its timeouts"), "A's Write of the 6 bytes B reads after its timeouts")
})

// A Write blocked by backpressure MUST fail with a timeout error (net.Error,
// Timeout(), os.ErrDeadlineExceeded) once its write deadline passes, and
// its n MUST count the bytes it accepted: the peer then receives exactly
// what the Writes reported, and nothing more once the writer closes. The
// deadline is set while the Write is blocked: net.Conn's SetWriteDeadline
// applies to "future Write calls and any currently-blocked Write call".
// Writes of 1 MiB, more than a small transport holds, so the Write that
// times out has accepted part of its bytes (on a slow transport, what it
// moves in 100 ms).
var _ = behaviour(catalogue.WriteDeadlines, 10*time.Second, func(ctx SpecContext, c *specRun) {
	f := fillUntilBlocked(c, 12, 1<<20)
	setDeadline("A.SetWriteDeadline", c.A.SetWriteDeadline, time.Now().Add(10*time.Millisecond))
	err := within(opBound, "A's blocked Write, given a 10 ms deadline (ignored deadline?)", func() error { return <-f.done })
	if err == nil {
		Fail(units.Bytes(f.accepted.Load()) + " accepted without blocking")
	}
	var werr *pattern.WriteError
	if errors.As(err, &werr) {
		err = werr.Err // the Write's own error, not SendPattern's account of it
	}
	expectTimeout(err, "Write past its deadline")
	total := f.accepted.Load()
	c.Observe("timeout after "+units.Bytes(int64(total)), map[string]any{"accepted_bytes": total})

	var progress atomic.Int64
	err = c.watchErr(&progress, map[string]func() error{
		"B reads the bytes the Writes reported": func() error { return pattern.ReceivePattern(c.B, 12, total, &progress) },
	})
	if bound.IsHung(err) && progress.Load() > 0 && progress.Load() < total {
		failf("Write reported bytes it did not deliver: the Writes reported %s and only %s arrived (B's Read then waited %v for the rest)",
			units.Bytes(total), units.Bytes(progress.Load()), bound.Stall)
	}
	noError(err, "")
	_ = c.close("A.Close", c.A) // crypto/tls may report its failed close_notify
	// Bytes beyond those reported were queued before the Close, so a Read
	// returns them at once. One that waits has none: whether the Close
	// reaches B as io.EOF (kcp-go's never does) is graceful-close's rule.
	var extra atomic.Int64
	err = bound.Within(opBound, "B.Read after A.Close", func() error {
		n, err := c.B.Read(make([]byte, 64<<10))
		extra.Store(int64(n))
		return err
	})
	if bound.IsPanic(err) {
		Fail(err.Error())
	}
	holds(extra.Load() == 0, "B received %s more than the Writes reported accepting", units.Bytes(extra.Load()))
})

// After a Write times out having reported n bytes, the stream MUST be
// intact or dead. Intact: the peer receives exactly the bytes the Writes
// reported, in order, and later Writes continue the stream. Dead: every
// later Write fails (crypto/tls: "all future writes will return the same
// error"). What it MUST NOT do is go on taking Writes and hand the reader
// other bytes than those reported: a framing layer whose timed-out Write
// left half a frame on the wire.
var _ = behaviour(catalogue.WriteTimeoutIntact, 10*time.Second, func(ctx SpecContext, c *specRun) {
	r, err := afterWriteTimeout(c, 22)
	if bound.IsHung(err) || bound.IsPanic(err) {
		failf("%v", err)
	}
	noError(err, "")
	holds(r.err != nil, "A's Writes with a 50 ms deadline and the reader stopped never failed: %s accepted", units.Bytes(r.accepted))
	timedOut := fmt.Sprintf("after A's Write timed out (%s) with %s reported", eventName(r.err), units.Bytes(r.accepted))
	var mm *pattern.MismatchError
	switch {
	case errors.As(r.read, &mm) && r.later == nil:
		failf("%s, A's later Writes succeeded and B read other bytes: %v (the stream went on corrupt)", timedOut, mm)
	case errors.As(r.read, &mm):
		failf("%s, B read other bytes than the Writes reported: %v", timedOut, mm)
	case r.read != nil:
		failf("%s, B could not read the %s the Writes reported: %v", timedOut, units.Bytes(r.accepted+r.wrote), r.read)
	case r.later != nil && r.again == nil:
		failf("%s, a later Write failed (%v) and the next one succeeded: the stream is neither intact nor dead", timedOut, r.later)
	}
	if r.dead() {
		c.Observe(fmt.Sprintf("dead: %s", eventName(r.later)), map[string]any{"accepted_bytes": r.accepted, "error_after": r.later.Error()})
	}
})

// expectTimeout checks the ways net.Conn's documentation lets a caller
// recognise a timeout: the error's own Timeout method, a wrapped net.Error,
// and errors.Is(err, os.ErrDeadlineExceeded). (Whether the error itself is
// a net.Error, which nettest.TestConn insists on, is observed, not contract:
// os.File's *fs.PathError has Timeout but not Temporary.)
func expectTimeout(err error, what string) {
	GinkgoHelper()
	holds(err != nil, "%s returned no error", what)
	t, ok := err.(interface{ Timeout() bool })
	holds(ok && t.Timeout(), "%s: error %q (%T) has no Timeout method returning true", what, err, err)
	var ne net.Error
	holds(errors.As(err, &ne), "%s: error %q (%T) wraps no net.Error", what, err, err)
	holds(errors.Is(err, os.ErrDeadlineExceeded), "%s: error %q does not match os.ErrDeadlineExceeded", what, err)
}
