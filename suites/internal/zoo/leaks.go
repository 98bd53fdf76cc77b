package zoo

import (
	"context"
	"net"
	"os"

	"github.com/streamspec/streamspec/harness"
)

// leaky is a healthy queue transport whose every pair leaves something
// behind that its stop function does not release: the leak check after
// each spec must fail the spec, whichever it is (the target is the
// cheapest, zero-length-write).
func leaky(name, fault string, leak func()) Entry {
	base := queueTransport("zoo-"+name, quirks{}, nil)
	return Entry{
		Transport: harness.New(base.Name(), base.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			a, b, stop, err := base.Pair(ctx)
			leak()
			return a, b, stop, err
		}),
		Kind: Broken, What: fault, Target: harness.ZeroWrite.ID,
	}
}

// Leaks lists transports that leak a goroutine or descriptors per pair.
func Leaks() []Entry {
	return []Entry{
		leaky("leaks-goroutine", "each pair starts a goroutine that never ends", func() {
			go func() { select {} }()
		}),
		leaky("leaks-descriptor", "each pair opens a pipe it never closes", func() {
			if r, w, err := os.Pipe(); err == nil {
				leaked = append(leaked, r, w) // kept reachable, so no finalizer closes them
			}
		}),
	}
}

var leaked []*os.File
