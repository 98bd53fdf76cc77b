package suites

import (
	"errors"
	"net"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/harness"
)

// Abortive close by A: A sets SO_LINGER {on, 0} and closes with 10 bytes
// it sent still unread at B. TCP MUST reset instead of closing gracefully,
// in this direction as in abortive-close's (B closing): a relay that turns
// a reset into EOF in one direction only differs between the two rows.
// Outcome as for abortive-close, seen from B: "read: <B's Reads>; write:
// <B's Writes after>", e.g. "read: data, ECONNRESET, EOF; write: EPIPE".
var _ = behaviour(harness.AbortiveCloseByA, 0, func(ctx SpecContext, c *Case) {
	abortiveClose(c, end{"A", c.A}, end{"B", c.B})
})

// end is one endpoint of the spec's pair and its name in messages.
type end struct {
	name string
	conn net.Conn
}

// abortiveClose sets SO_LINGER {on, 0} on closer, leaves 10 bytes of
// closer's unread at peer, closes closer and records what peer sees.
func abortiveClose(c *Case, closer, peer end) {
	GinkgoHelper()
	how, err := harness.AbortOnClose(closer.conn)
	if errors.Is(err, harness.ErrNoSocketOption) {
		Skip(harness.UnsupportedPrefix + c.Transport + " has no SO_LINGER: " + err.Error())
	}
	c.must(how+" on "+closer.name, err)
	pending := leaveUnread(c, closer.conn, peer.conn, 20, 10, closer.name, peer.name)
	settle(pending)
	closed := c.closeObserved(closer.name+".Close", closer.conn)
	c.Outcome(peerView(c, peer.conn, 10, closed, map[string]any{"linger_set_by": how, closer.name + "_write": pending.result()}))
}
