package suites_test

import (
	"context"
	"net"
	"os"
	"testing"

	"golang.org/x/net/nettest"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites/internal/zoo"
	"github.com/streamspec/streamspec/transports"
)

// TestNettest runs golang.org/x/net/nettest.TestConn on one built-in
// transport, so make bench can time it beside streamspec's contract suite
// on the same transport. It runs only under make bench.
func TestNettest(t *testing.T) {
	name := os.Getenv("STREAMSPEC_NETTEST")
	if name == "" {
		t.Skip("run by make bench (set STREAMSPEC_NETTEST to a transport name)")
	}
	tr := builtin(t, name)
	nettest.TestConn(t, func() (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := tr.Pair(context.Background())
		return a, b, func() {
			a.Close()
			b.Close()
			if stop != nil {
				stop()
			}
		}, err
	})
}

// builtin finds a built-in transport, or a hostile zoo transport for the
// time-to-verdict comparison.
func builtin(t *testing.T, name string) harness.Transport {
	all := transports.Builtin()
	for _, e := range zoo.Hostiles() {
		all = append(all, e.Transport)
	}
	for _, tr := range all {
		if tr.Name() == name {
			return tr
		}
	}
	t.Fatalf("no built-in or hostile zoo transport %q", name)
	return nil
}
