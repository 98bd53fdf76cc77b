package suites

import (
	"errors"
	"net"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/report"
)

// Abortive close by A: A sets SO_LINGER {on, 0} and closes with 10 bytes
// it sent still unread at B. TCP MUST reset instead of closing gracefully,
// in this direction as in abortive-close's (B closing): a relay that turns
// a reset into EOF in one direction only differs between the two rows.
// Outcome as for abortive-close, seen from B: "read: <B's Reads>; write:
// <B's Writes after>", e.g. "read: data, ECONNRESET, EOF; write: EPIPE".
var _ = behaviour(catalogue.AbortiveCloseByA, 0, func(ctx SpecContext, c *specRun) {
	abortiveClose(c, end{"A", c.A}, end{"B", c.B})
})

// end is one endpoint of the spec's pair and its name in messages.
type end struct {
	name string
	conn net.Conn
}

// abortiveClose sets SO_LINGER {on, 0} on closer, leaves 10 bytes of
// closer's unread at peer, closes closer and records what peer sees.
func abortiveClose(c *specRun, closer, peer end) {
	GinkgoHelper()
	how, err := kernel.AbortOnClose(closer.conn)
	if errors.Is(err, kernel.ErrNoSocketOption) {
		Skip(report.UnsupportedPrefix + c.Transport + " has no SO_LINGER: " + err.Error())
	}
	c.must(how+" on "+closer.name, err)
	pending := leaveUnread(c, closer.conn, peer.conn, 20, 10, closer.name, peer.name)
	settle(pending)
	closed := c.closeObserved(closer.name+".Close", closer.conn)
	c.Outcome(peerView(c, peer.conn, 10, closed, map[string]any{"linger_set_by": how, closer.name + "_write": pending.result()}))
}
