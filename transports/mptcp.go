package transports

import (
	"context"
	"errors"
	"net"
	"runtime"

	"github.com/streamspec/streamspec/harness"
)

// MPTCP is Multipath TCP over IPv4 loopback: Go's defaults with
// SetMultipathTCP(true) on the dialer and the listener, one subflow.
// Linux only. Go falls back to plain TCP without a word where the kernel
// refuses an MPTCP socket (net/mptcpsock_linux.go), so the pair checks
// MultipathTCP() on both ends and is unavailable, with the reason, unless
// both are MPTCP.
func MPTCP() harness.Transport {
	return harness.New("mptcp", harness.Traits{Kind: harness.KindTCP, Notes: "127.0.0.1, Multipath TCP (SetMultipathTCP on both ends), Go defaults"}, mptcpPair)
}

func mptcpPair(ctx context.Context) (net.Conn, net.Conn, func(), error) {
	if runtime.GOOS != "linux" {
		return nil, nil, nil, &harness.Unavailable{Reason: "Multipath TCP is Linux's here; this is " + runtime.GOOS}
	}
	lc := &net.ListenConfig{}
	lc.SetMultipathTCP(true)
	ln, err := lc.Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	defer ln.Close()
	d := &net.Dialer{}
	d.SetMultipathTCP(true)
	a, b, err := connectAccept(ctx, ln, nil, func(ctx context.Context) (net.Conn, error) {
		return d.DialContext(ctx, "tcp4", ln.Addr().String())
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := bothMultipath(a, b); err != nil {
		a.Close()
		b.Close()
		return nil, nil, nil, err
	}
	return a, b, nil, nil
}

// bothMultipath is nil when both ends are MPTCP sockets, else
// harness.Unavailable saying which end fell back to TCP: the kernel
// refused MPTCP (net.mptcp.enabled 0, no CONFIG_MPTCP) or the peer did
// not offer it.
func bothMultipath(a, b net.Conn) error {
	for _, end := range []struct {
		name string
		c    net.Conn
	}{{"the dialled end", a}, {"the accepted end", b}} {
		tc, ok := end.c.(*net.TCPConn)
		if !ok {
			return errors.New("mptcp: " + end.name + " is not a *net.TCPConn")
		}
		on, err := tc.MultipathTCP()
		if err != nil {
			return &harness.Unavailable{Reason: "Multipath TCP: " + end.name + ": " + err.Error()}
		}
		if !on {
			return &harness.Unavailable{Reason: "Multipath TCP: Go fell back to plain TCP on " + end.name + " (is /proc/sys/net/mptcp/enabled 1?)"}
		}
	}
	return nil
}
