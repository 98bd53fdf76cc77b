package bench

import (
	"net"
	"os"
	"testing"

	_ "github.com/onsi/ginkgo/v2" // make bench runs these under -ginkgo.label-filter
	"golang.org/x/net/nettest"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
)

// transportEnv names the transport a run is for: net-pipe or hidden-tcp.
const transportEnv = "STREAMSPEC_BENCH_TRANSPORT"

// TestStreamspec runs the catalogue on the transport named by transportEnv.
func TestStreamspec(t *testing.T) {
	suites.Run(t, harness.FromMakePipe(pipeFor(t)))
}

// TestNettest runs nettest.TestConn on the same transport.
func TestNettest(t *testing.T) {
	_, mp := pipeFor(t)
	nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
		c1, c2, _, err = mp()
		return c1, c2, func() { c1.Close(); c2.Close() }, err
	})
}

func pipeFor(t *testing.T) (string, func() (c1, c2 net.Conn, stop func(), err error)) {
	switch name := os.Getenv(transportEnv); name {
	case "net-pipe":
		return name, func() (c1, c2 net.Conn, stop func(), err error) {
			c1, c2 = net.Pipe()
			return c1, c2, nil, nil
		}
	case "hidden-tcp":
		return name, hiddenTCP
	}
	t.Skipf("run by make bench: set %s to net-pipe or hidden-tcp", transportEnv)
	return "", nil
}

// hiddenTCP is a TCP loopback pair whose endpoints are plain net.Conns:
// no SyscallConn, CloseWrite or buffer sizing, so the harness treats it as
// a custom transport with no descriptor, as it would a framing layer.
func hiddenTCP() (c1, c2 net.Conn, stop func(), err error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	defer ln.Close()
	c1, err = net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		return nil, nil, nil, err
	}
	c2, err = ln.Accept()
	if err != nil {
		c1.Close()
		return nil, nil, nil, err
	}
	return opaque{c1}, opaque{c2}, nil, nil
}

// opaque shows only net.Conn's methods.
type opaque struct{ net.Conn }
