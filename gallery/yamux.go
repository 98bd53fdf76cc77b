package gallery

import (
	"context"
	"net"

	"github.com/hashicorp/yamux"

	"github.com/streamspec/streamspec/harness"
)

// yamux: one stream of a hashicorp/yamux session over TCP loopback, default
// config. A *yamux.Stream is a net.Conn.
func init() {
	Register(Entry{
		Name:   "yamux",
		Module: "github.com/hashicorp/yamux",
		About:  "one stream of a yamux session over TCP loopback, yamux.DefaultConfig",
		// stream.go, Stream.Close sends FIN and "LocalClose only prohibits
		// further local writes": Close is the half-close, and nothing ends
		// the reading direction, so there is no full close to give.
		Transport: harness.HalfCloseOnClose(harness.FromMakePipe("yamux", yamuxPair), nil),
		Without: []Lack{{harness.FullClose,
			`stream.go, Stream.Read: "LocalClose only prohibits further local writes. Handle reads normally." (Close ends the sending direction only)`}},
	})
}

func yamuxPair() (a, b net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	c1, c2, err := tcpPair(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	client, err := yamux.Client(c1, nil)
	if err != nil {
		c1.Close()
		c2.Close()
		return nil, nil, nil, err
	}
	server, err := yamux.Server(c2, nil)
	if err != nil {
		client.Close()
		c2.Close()
		return nil, nil, nil, err
	}
	stop = func() { client.Close(); server.Close() }
	var sa, sb *yamux.Stream
	err = both(func() (err error) { sa, err = client.OpenStream(); return err },
		func() (err error) { sb, err = server.AcceptStreamWithContext(ctx); return err })
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	return sa, sb, stop, nil
}
