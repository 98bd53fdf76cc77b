package transports

import (
	"context"
	"net"

	"github.com/streamspec/streamspec/harness"
)

// NetPipe is net.Pipe: synchronous and unbuffered, every Write waits for
// Reads to take its bytes; no half-close.
func NetPipe() harness.Transport {
	return harness.New("net-pipe", harness.Traits{Kind: harness.KindMemory, Notes: "net.Pipe, unbuffered"},
		func(context.Context) (net.Conn, net.Conn, func(), error) {
			a, b := net.Pipe()
			return a, b, nil, nil
		})
}
