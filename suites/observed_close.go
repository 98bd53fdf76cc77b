package suites

import (
	"fmt"
	"net"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/goroutine"
	"github.com/streamspec/streamspec/internal/kernel"
)

// Closing with unread data: B has 50 bytes from A it never read, A has 10
// bytes from B it never read, then B closes. TCP MUST send RST instead of
// FIN (RFC 2525 2.17), so A reads its 10 bytes and then ECONNRESET; a Unix
// socket reports ECONNRESET on Linux. Outcome: "read: <A's Reads>; write:
// <A's Writes after>", e.g. "read: data, ECONNRESET, EOF; write: EPIPE",
// and "; B.Close: <error>" if B's Close returned one.
var _ = behaviour(catalogue.CloseUnread, 0, func(ctx SpecContext, c *specRun) {
	pendingA := leaveUnread(c, c.A, c.B, 100, 50, "A", "B")
	pendingB := leaveUnread(c, c.B, c.A, 20, 10, "B", "A")
	settle(pendingA, pendingB)
	closed := c.closeObserved("B.Close", c.B)
	c.Outcome(peerView(c, c.A, 10, closed, map[string]any{"A_write": pendingA.result(), "B_write": pendingB.result()}))
})

// Abortive close: B sets SO_LINGER {on, 0} and closes with 10 bytes it
// sent still unread at A. TCP MUST reset instead of closing gracefully;
// the spec records whether A can still read those 10 bytes. Outcome as for
// close-with-unread-data. abortive-close-by-a is the other direction.
var _ = behaviour(catalogue.AbortiveClose, 0, func(ctx SpecContext, c *specRun) {
	abortiveClose(c, end{"B", c.B}, end{"A", c.A})
})

// CloseRead (SHUT_RD) on A, then B writes: a built-in MUST show the
// outcome declared for its OS. On Linux a Unix socket fails B's Writes
// with EPIPE, TCP sends nothing so they succeed (gVisor socket_unix.cc
// ShutdownRead, socket_ip_tcp_generic.cc), and a pipe's read end is gone.
// The spec records what A's Reads return for the bytes sent after.
// Outcome: "peer write: <B's Writes>; read: <A's Reads>".
var _ = behaviour(catalogue.ShutRD, 0, func(ctx SpecContext, c *specRun) {
	c.mustWithin(opBound, "A.CloseRead", c.A.(interface{ CloseRead() error }).CloseRead)
	ok, errs := writeEvents(c, c.B, 3, 1)
	// Once B's kernel has them acknowledged they are queued at A or
	// dropped there (XNU); where B's queue cannot be read, give them a moment.
	queued := arrived(c.A, 10*ok, 200*time.Millisecond)
	if kernel.Drained(c.B, opBound) {
		queued = arrived(c.A, 10*ok, 0)
	}
	events, bytes := readEvents(c, c.A, 6)
	c.Outcome(
		fmt.Sprintf("peer write: %s; read: %s", writeOutcome(ok, errs), readOutcome(events, bytes, 10*ok)),
		fmt.Sprintf("peer write %s; read %s", writeSummary(ok, errs), readSummary(events, bytes)),
		map[string]any{"peer_writes_ok": ok, "peer_write_errors": errs, "reads": events, "read_bytes": bytes, "queued_after_shut_rd": queued})
})

// Writes to a closed peer: a built-in MUST show the errors declared for
// its OS. The spec records how many Writes succeed before the first error
// and which errors follow (ECONNRESET, EPIPE, io.ErrClosedPipe); the
// contract write-to-closed-peer asserts only that they fail. Outcome:
// "ok, " when some Writes succeeded, then the errors, e.g. "ok, EPIPE",
// and "; B.Close: <error>" if B's Close returned one.
var _ = behaviour(catalogue.ClosedPeerErrors, 0, func(ctx SpecContext, c *specRun) {
	closed := c.closeObserved("B.Close", c.B)
	ok, errs := writeEvents(c, c.A, 10000, 2)
	c.Outcome(writeOutcome(ok, errs)+closed, writeSummary(ok, errs)+closed, map[string]any{"writes_ok": ok, "errors": errs})
})

// leaveUnread has w write size bytes and r read only n of them, so that
// size-n bytes are known to have arrived and wait unread. The Write runs
// alongside, as a synchronous transport needs.
func leaveUnread(c *specRun, w, r net.Conn, size, n int, wName, rName string) *pendingWrite {
	GinkgoHelper()
	p := &pendingWrite{done: make(chan error, 1), gid: make(chan uint64, 1)}
	go func() { p.gid <- goroutine.ID(); _, err := w.Write(make([]byte, size)); p.done <- err }()
	c.mustWithin(opBound, fmt.Sprintf("%s reads %d of %d bytes from %s", rName, n, size, wName), readAll(r, make([]byte, n)))
	return p
}

// pendingWrite is a Write left running by leaveUnread.
type pendingWrite struct {
	done     chan error
	gid      chan uint64 // the writing goroutine
	err      error
	returned bool
}

// settle waits for the Writes to return: crypto/tls skips close_notify if
// Close comes during a Write. A Write whose goroutine is parked waiting
// (twice in a row) is a synchronous transport's, waiting for its reader,
// and is left pending; one that merely waits for a CPU on a busy machine
// is waited for, up to OpBound.
func settle(ws ...*pendingWrite) {
	for _, w := range ws {
		id := <-w.gid
		parked := 0
		waitFor(opBound, func() bool {
			select {
			case w.err = <-w.done:
				w.returned = true
				return true
			default:
			}
			if g, ok := goroutine.All()[id]; ok && g.Waiting() {
				parked++
			} else {
				parked = 0
			}
			return parked >= 2
		})
	}
}

// result names what the Write returned, waiting up to EventWait for one
// still blocked, or "blocks".
func (w *pendingWrite) result() string {
	if !w.returned {
		select {
		case w.err = <-w.done:
		case <-time.After(eventWait):
			return "blocks"
		}
	}
	return eventName(w.err)
}

// peerView records what peer's Reads and then Writes return after the
// other end closed, with unread bytes of the closer's still waiting at
// peer; closed is what the closer's Close said (closeObserved). The
// Writes go on until the first error (for at most a second, as for
// closed-peer-errors): a relay passes the close on after a few of them,
// how many is timing (socat: 2 or 3 in runs a minute apart), and the
// outcome must not depend on it.
func peerView(c *specRun, peer net.Conn, unread int, closed string, values map[string]any) (outcome, summary string, _ map[string]any) {
	events, bytes := readEvents(c, peer, 6)
	ok, errs := writeEvents(c, peer, 10000, 1)
	values["reads"], values["read_bytes"], values["writes_ok"], values["write_errors"] = events, bytes, ok, errs
	return fmt.Sprintf("read: %s; write: %s%s", readOutcome(events, bytes, unread), writeOutcome(ok, errs), closed),
		fmt.Sprintf("read %s; write %s%s", readSummary(events, bytes), writeSummary(ok, errs), closed), values
}
