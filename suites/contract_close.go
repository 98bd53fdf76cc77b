package suites

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/goroutine"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/proxies"
)

// After CloseWrite the peer MUST read everything written, then io.EOF, and
// io.EOF again on every later Read; the closer MUST still read the peer's
// reply.
var _ = behaviour(catalogue.HalfClose, 10*time.Second, func(ctx SpecContext, c *specRun) {
	size := c.fit("each way", 1<<20, 64<<10, 0.5)
	var progress atomic.Int64
	var replyCut atomic.Bool // the reply's stream ended or broke after A's half-close
	err := c.watchErr(&progress, map[string]func() error{
		"A writes, CloseWrite, reads the reply": func() error {
			if err := pattern.SendPattern(c.A, 8, size, &progress); err != nil {
				return err
			}
			if err := c.A.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
				return fmt.Errorf("CloseWrite: %w", err)
			}
			if err := pattern.ReceivePattern(c.A, 9, size, &progress); err != nil {
				if cutShort(err) {
					replyCut.Store(true)
				}
				return fmt.Errorf("reading the reply after CloseWrite: %w", err)
			}
			return nil
		},
		"B reads to EOF, replies": func() error {
			if err := pattern.ReceivePattern(c.B, 8, size, &progress); err != nil {
				return err
			}
			for i := range 3 {
				if n, err := c.B.Read(make([]byte, 16)); n != 0 || err != io.EOF {
					return fmt.Errorf("Read %d after the last byte = %d, %v; want 0, io.EOF", i+1, n, err)
				}
			}
			err := pattern.SendPattern(c.B, 9, size, &progress)
			if err != nil && cutShort(err) {
				replyCut.Store(true)
			}
			return err
		},
	})
	if err != nil && replyCut.Load() { // whichever end saw it first: both are the one cause
		c.hint(proxies.HalfCloseClosesBoth, 0)
		failf("the reply to A's half-close was cut short: %v", err)
	}
	noError(err, "")
})

// cutShort reports whether err is a stream that ended or broke before its
// bytes were all through, rather than bytes that arrived wrong or a hang.
func cutShort(err error) bool {
	var short *pattern.ShortError
	return errors.As(err, &short) || errors.Is(err, io.EOF) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// Everything written before Close MUST reach a reading peer before its
// io.EOF: Close does not discard what Write accepted. First a stream with
// B reading; then a last message written and closed while B is idle, so a
// transport that drops what the peer has not read yet, or reports EOF
// before it, fails every time rather than when it loses a race.
var _ = behaviour(catalogue.GracefulClose, 10*time.Second, func(ctx SpecContext, c *specRun) {
	size := c.fit("stream", 4<<20, 256<<10, 1)
	var progress atomic.Int64
	c.watch(&progress, map[string]func() error{
		"A writes": func() error { return pattern.SendPattern(c.A, 10, size, &progress) },
		"B reads":  func() error { return pattern.ReceivePattern(c.B, 10, size, &progress) },
	})

	last := []byte("the last message before Close")
	type ending struct{ write, close error }
	closed := make(chan ending, 1)
	var gid atomic.Uint64 // the goroutine of A's last Write, then of its Close
	go func() {
		gid.Store(goroutine.ID())
		if _, err := c.A.Write(last); err != nil {
			closed <- ending{write: err}
			return
		}
		gid.Store(0)
		a := onClose{c.A, func() { gid.Store(goroutine.ID()) }}
		closed <- ending{close: closeOne(c.Transport, "A.Close", a)} // returns by bound.CloseTimeout
	}()
	// B stays idle while A's Write and Close go on by themselves: a
	// buffered transport is done at once; a synchronous one (net.Pipe)
	// waits, parked, for B to read, or a Close for the peer's reply.
	if e, ok := doneOrParked(closed, &gid, c.parkedFor(len(last))); ok {
		closed <- e
	}
	got := make([]byte, len(last))
	if err := readFull(c.B, got, opBound, "B reads the last message"); err != nil {
		failf("the %d bytes A wrote just before Close did not all arrive: %v", len(last), err)
	}
	sameBytes(got, last, "the last message A wrote before Close")
	var n int
	err := within(opBound, "B.Read after the last byte", func() error { var err error; n, err = c.B.Read(make([]byte, 16)); return err })
	holds(n == 0 && err == io.EOF, "B.Read after the last byte = %d, %v; want 0, io.EOF", n, err)
	end := await(closed, bound.CloseTimeout+opBound, "A's last Write and Close")
	noError(end.write, "A's last Write")
	// The rule is about the bytes: an error Close returns is no failure.
	if bound.IsHung(end.close) || bound.IsPanic(end.close) {
		failf("transport %s: %v", c.Transport, end.close)
	}
})

// onClose is a net.Conn that calls before on Close, from Close's goroutine.
type onClose struct {
	net.Conn
	before func()
}

func (c onClose) Close() error { c.before(); return c.Conn.Close() }

// Close MUST unblock a pending Read and a Write blocked by backpressure on
// that endpoint, each with an error; Read and Write after Close MUST fail;
// a second Close MUST NOT panic.
var _ = behaviour(catalogue.CloseUnblocks, 10*time.Second, func(ctx SpecContext, c *specRun) {
	readErr := make(chan error, 1)
	go func() { _, err := c.A.Read(make([]byte, 16)); readErr <- err }()
	writeDone := fillUntilBlocked(c, 11, 64<<10).done
	select {
	case err := <-readErr:
		failf("A.Read returned with nothing to read: %v", err)
	default:
	}

	// What Close itself returns is not the rule's business: an endpoint
	// whose peer has closed may say so (coder/websocket: connection reset
	// by peer; x/crypto/ssh: EOF). What the endpoint does afterwards is.
	closeErrs := map[string]error{"A": c.close("A.Close", c.A)}
	holds(await(readErr, opBound, "A's pending Read hung: A.Close did not unblock it") != nil, "A's pending Read returned no error after A.Close")
	holds(await(writeDone, opBound, "A's blocked Write hung: A.Close did not unblock it") != nil, "A's blocked Write returned no error after A.Close")
	closeErrs["B"] = c.close("B.Close", c.B)
	recordCloseErrors(c, closeErrs)

	for _, e := range []struct {
		name string
		conn net.Conn
	}{{"A", c.A}, {"B", c.B}} {
		var n int
		if within(opBound, e.name+".Read after Close", func() (err error) { n, err = e.conn.Read(make([]byte, 1)); return }) == nil {
			Fail(fmt.Sprintf("%s.Read after Close returned %d byte(s) and no error%s", e.name, n, closeSaid(closeErrs[e.name])))
		}
		if within(opBound, e.name+".Write after Close", func() error { _, err := e.conn.Write([]byte("x")); return err }) == nil {
			Fail(fmt.Sprintf("%s.Write after Close succeeded%s", e.name, closeSaid(closeErrs[e.name])))
		}
		_ = c.close("second "+e.name+".Close", e.conn) // an error is fine, a panic or hang is not
	}
})

// closeSaid is what an endpoint's Close had returned, for a message.
func closeSaid(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf(" (its Close had returned: %v)", err)
}

// recordCloseErrors puts the errors Close returned in the spec's values.
func recordCloseErrors(c *specRun, errs map[string]error) {
	values := map[string]any{}
	for name, err := range errs {
		if err != nil {
			values[name+"_close_error"] = err.Error()
		}
	}
	if len(values) > 0 {
		c.Observe("", values)
	}
}

// After the peer has closed, Write MUST fail within a bounded time: not
// keep succeeding into the void, not block forever. TCP's first Write may
// still succeed (the peer answers it with RST); later ones fail.
var _ = behaviour(catalogue.PeerGone, 0, func(ctx SpecContext, c *specRun) {
	recordCloseErrors(c, map[string]error{"B": c.close("B.Close", c.B)})
	writes, start := 0, time.Now()
	err := within(3*time.Second, "A.Write to a closed peer", func() error {
		for time.Since(start) < 2*time.Second {
			if _, err := c.A.Write([]byte("are you there?")); err != nil {
				return err
			}
			writes++
		}
		return nil
	})
	holds(err != nil, "%d Writes to a closed peer succeeded over %v", writes, time.Since(start).Round(time.Millisecond))
	c.Observe(fmt.Sprintf("%s after %d writes", errName(err), writes), map[string]any{"writes_before_error": writes, "error": err.Error()})
})
