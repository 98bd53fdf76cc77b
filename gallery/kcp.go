package gallery

import (
	"context"
	"net"
	"time"

	"github.com/xtaci/kcp-go/v5"

	"github.com/streamspec/streamspec/harness"
)

// kcp-go: a KCP session (reliable UDP) over UDP loopback at the library's
// defaults: no encryption, no FEC, the default window and 100 ms interval.
// A *kcp.UDPSession is a net.Conn. (v5.7.4: v5.7.5 needs Go 1.26.2, above
// the go line this repository's modules share.)
func init() {
	Register(Entry{
		Name:      "kcp-go",
		Module:    "github.com/xtaci/kcp-go/v5",
		About:     "a KCP session over UDP loopback, kcp.DialWithOptions/ListenWithOptions without encryption or FEC, library defaults",
		Transport: harness.FromMakePipe("kcp-go", kcpPair),
		Without: []Lack{{harness.BufferSizing,
			`sess.go, UDPSession.SetReadBuffer: "sets the socket read buffer, no effect if it's accepted from Listener" (it sizes the UDP socket, not the stream, and fails with errInvalidOperation on the accepted end)`}},
	})
}

func kcpPair() (a, b net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	ln, err := kcp.ListenWithOptions("127.0.0.1:0", nil, 0, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	deadline, _ := ctx.Deadline()
	ln.SetDeadline(deadline)
	client, err := kcp.DialWithOptions(ln.Addr().String(), nil, 0, 0)
	if err != nil {
		ln.Close()
		return nil, nil, nil, err
	}
	// KCP has no handshake: the listener accepts a session on its first
	// packet, so the dialer writes one byte that the acceptor reads.
	var server *kcp.UDPSession
	err = both(func() error { _, err := client.Write([]byte{0}); return err }, func() (err error) {
		if server, err = ln.AcceptKCP(); err != nil {
			return err
		}
		server.SetReadDeadline(deadline)
		if _, err = server.Read(make([]byte, 1)); err != nil {
			return err
		}
		return server.SetReadDeadline(time.Time{})
	})
	if err != nil {
		client.Close()
		if server != nil {
			server.Close()
		}
		ln.Close()
		return nil, nil, nil, err
	}
	return client, server, func() { ln.Close() }, nil
}
