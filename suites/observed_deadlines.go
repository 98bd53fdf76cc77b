package suites

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/units"
)

// After a Write has timed out a kernel stream stays usable: the bytes the
// timed-out Write reported accepted arrive, the rest can be written
// again, nothing is lost or changed. crypto/tls documents the opposite:
// "After a Write has timed out, the TLS state is corrupt and all future
// writes will return the same error" (crypto/tls Conn.SetWriteDeadline).
// Outcome: "usable", "unusable: <error of the next Write>", "corrupt" or
// "broken: <error the reader got>"; "no timeout" if the deadline did not
// fire. A timeout is recognised each way net.Conn's documentation lets a
// caller (timeoutSign): the value says which. The contract's part of it,
// intact or dead, is write-timeout-intact-or-dead's.
var _ = behaviour(catalogue.WriteTimeoutUsable, 10*time.Second, func(ctx SpecContext, c *specRun) {
	r, err := afterWriteTimeout(c, 21)
	c.must("writing after the timeout", err)
	values := map[string]any{"accepted_bytes": r.accepted, "timeout_error": eventName(r.err)}
	if r.sign == "" {
		c.Outcome("no timeout", fmt.Sprintf("no timeout: %s after %s", eventName(r.err), units.Bytes(r.accepted)), values)
		return
	}
	values["timeout_sign"] = r.sign
	var mm *pattern.MismatchError
	outcome := "usable"
	switch {
	case errors.As(r.read, &mm):
		outcome = "corrupt"
		values["error_after"] = r.read.Error()
	case r.later != nil:
		outcome = "unusable: " + eventName(r.later)
		values["error_after"] = r.later.Error()
	case r.read != nil:
		outcome = "broken: " + eventName(r.read)
		values["error_after"] = r.read.Error()
	}
	said := ""
	if r.sign != signDeadlineExceeded {
		said = " (" + r.sign + ")"
	}
	c.Outcome(outcome, fmt.Sprintf("timeout after %s%s, then %s", units.Bytes(r.accepted), said, outcome), values)
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
