package transports

import (
	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports/netns"
)

// Builtin returns every built-in transport, in report column order.
func Builtin() []harness.Transport {
	return []harness.Transport{TCP4(), TCP6(), MPTCP(), Unix(), Socketpair(), Pipe(), NetPipe(), TLS(), Socat(), netns.Default()}
}
