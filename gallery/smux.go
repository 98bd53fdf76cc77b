package gallery

import (
	"context"
	"net"

	"github.com/xtaci/smux"

	"github.com/streamspec/streamspec/harness"
)

// smux: one stream of an xtaci/smux session over TCP loopback,
// smux.DefaultConfig (protocol version 1, 32 KiB frames). A *smux.Stream is
// a net.Conn with CloseWrite.
func init() {
	Register(Entry{
		Name:      "smux",
		Module:    "github.com/xtaci/smux",
		About:     "one stream of an smux session over TCP loopback, smux.DefaultConfig (version 1, MaxFrameSize 32768)",
		Transport: harness.FromMakePipe("smux", smuxPair),
	})
}

func smuxPair() (a, b net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	c1, c2, err := tcpPair(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	client, err := smux.Client(c1, nil)
	if err != nil {
		c1.Close()
		c2.Close()
		return nil, nil, nil, err
	}
	server, err := smux.Server(c2, nil)
	if err != nil {
		client.Close()
		c2.Close()
		return nil, nil, nil, err
	}
	stop = func() { client.Close(); server.Close() }
	deadline, _ := ctx.Deadline()
	server.SetDeadline(deadline) // bounds AcceptStream
	var sa, sb *smux.Stream
	err = both(func() (err error) { sa, err = client.OpenStream(); return err },
		func() (err error) { sb, err = server.AcceptStream(); return err })
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	return sa, sb, stop, nil
}
