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

// After a Write has timed out a kernel stream MUST stay usable: the bytes
// the timed-out Write reported accepted arrive, the rest can be written
// again, nothing is lost or changed. crypto/tls documents the opposite:
// "After a Write has timed out, the TLS state is corrupt and all future
// writes will return the same error" (crypto/tls Conn.SetWriteDeadline).
// Outcome: "usable", "unusable: <error of the next Write>", "corrupt" or
// "broken: <error the reader got>"; "no timeout" if the deadline did not
// fire. A timeout is recognised each way net.Conn's documentation lets a
// caller (timeoutSign): the value says which.
var _ = behaviour(catalogue.WriteTimeoutUsable, 10*time.Second, func(ctx SpecContext, c *specRun) {
	const seed, after = 21, 256 << 10
	src := pattern.Pattern(seed)
	chunk := make([]byte, 64<<10)
	var accepted int64
	var rest []byte
	c.mustSetDeadline("A.SetWriteDeadline", c.A.SetWriteDeadline, time.Now().Add(50*time.Millisecond))
	err := bound.Within(3*time.Second, "A.Write with a 50 ms deadline and the reader stopped", func() error {
		for accepted <= catalogue.BackpressureBound {
			_, _ = src.Read(chunk)
			n, err := c.A.Write(chunk)
			accepted += int64(n)
			if err != nil {
				rest = chunk[n:]
				return err
			}
		}
		return nil
	})
	if bound.IsPanic(err) {
		c.must("A.Write", err)
	}
	values := map[string]any{"accepted_bytes": accepted, "timeout_error": eventName(err)}
	sign := timeoutSign(err)
	if sign == "" {
		c.Outcome("no timeout", fmt.Sprintf("no timeout: %s after %s", eventName(err), units.Bytes(int64(accepted))), values)
		return
	}
	values["timeout_sign"] = sign
	c.mustSetDeadline("A.SetWriteDeadline(zero)", c.A.SetWriteDeadline, time.Time{})

	var progress atomic.Int64
	total := accepted + int64(len(rest)) + after
	werr := bound.Watch(&progress, map[string]func() error{
		"A writes on": func() error { // the rest of the timed-out Write, then more of the pattern
			p := rest
			for sent := int64(0); ; sent += int64(len(chunk)) {
				n, err := c.A.Write(p)
				progress.Add(int64(n))
				if err != nil {
					return &resumeError{err}
				}
				if sent >= after {
					return nil
				}
				_, _ = src.Read(chunk)
				p = chunk
			}
		},
		"B reads everything": func() error { return pattern.ReceivePattern(c.B, seed, total, &progress) },
	})
	var re *resumeError
	var mm *pattern.MismatchError
	outcome := "usable"
	switch {
	case errors.As(werr, &re):
		outcome = "unusable: " + eventName(re.err)
	case errors.As(werr, &mm):
		outcome = "corrupt"
	case werr != nil:
		outcome = "broken: " + eventName(werr)
	}
	values["error_after"] = fmt.Sprint(werr)
	said := ""
	if sign != signDeadlineExceeded {
		said = " (" + sign + ")"
	}
	c.Outcome(outcome, fmt.Sprintf("timeout after %s%s, then %s", units.Bytes(int64(accepted)), said, outcome), values)
})

// The ways net.Conn's documentation lets a caller recognise a timeout,
// as timeoutSign names them.
const (
	signDeadlineExceeded = "os.ErrDeadlineExceeded"
	signTimeoutMethod    = "Timeout(), not os.ErrDeadlineExceeded"
	signWrappedNetError  = "a wrapped net.Error's Timeout(), not os.ErrDeadlineExceeded"
)

// timeoutSign says how err shows it is a timeout, the first way that
// holds: it matches os.ErrDeadlineExceeded; its Timeout method returns
// true; it wraps a net.Error whose Timeout returns true. "" if none does.
func timeoutSign(err error) string {
	var ne net.Error
	t, ok := err.(interface{ Timeout() bool })
	switch {
	case err == nil:
		return ""
	case errors.Is(err, os.ErrDeadlineExceeded):
		return signDeadlineExceeded
	case ok && t.Timeout():
		return signTimeoutMethod
	case errors.As(err, &ne) && ne.Timeout():
		return signWrappedNetError
	}
	return ""
}

// resumeError marks the writer's error after the timeout, as opposed to
// the reader's.
type resumeError struct{ err error }

func (e *resumeError) Error() string { return "writing after the timeout: " + e.err.Error() }
func (e *resumeError) Unwrap() error { return e.err }
