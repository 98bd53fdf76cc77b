package gallery

import (
	"context"
	"io"
	"time"

	"github.com/quic-go/quic-go"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// quic-go: one bidirectional stream of a QUIC connection over UDP loopback,
// default config, TLS 1.3 with a certificate made at run time. A
// *quic.Stream has deadlines and no addresses, so it is given to the
// harness as an io.ReadWriteCloser, as the README says for such streams.
func init() {
	Register(Entry{
		Name:   "quic-go",
		Module: "github.com/quic-go/quic-go",
		About:  "one bidirectional stream of a QUIC connection over UDP loopback, default quic.Config",
		// stream.go, Stream.Close: "Close closes the send-direction of the
		// stream. It does not close the receive-direction of the stream."
		// A full close is CancelRead ("Read will unblock immediately, and
		// future calls to it will fail"), then Close.
		Transport: harness.HalfCloseOnClose(harness.FromReadWriteClosers("quic-go", quicPair), func(c io.Closer) error {
			s := c.(*quic.Stream)
			s.CancelRead(0)
			return s.Close()
		}),
	})
}

func quicPair() (a, b io.ReadWriteCloser, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	server, client, err := transports.TLSConfigs("streamspec")
	if err != nil {
		return nil, nil, nil, err
	}
	ln, err := quic.ListenAddr("127.0.0.1:0", server, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	var cc, sc *quic.Conn
	stop = func() {
		for _, c := range []*quic.Conn{cc, sc} {
			if c != nil {
				c.CloseWithError(0, "")
			}
		}
		ln.Close()
	}
	err = both(func() (err error) { cc, err = quic.DialAddr(ctx, ln.Addr().String(), client, nil); return err },
		func() (err error) { sc, err = ln.Accept(ctx); return err })
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	// The peer learns of a stream from its first STREAM frame: the opener
	// writes one byte, which the acceptor reads before the pair is used.
	var sa, sb *quic.Stream
	err = both(func() (err error) {
		if sa, err = cc.OpenStreamSync(ctx); err == nil {
			_, err = sa.Write([]byte{0})
		}
		return err
	}, func() (err error) {
		if sb, err = sc.AcceptStream(ctx); err != nil {
			return err
		}
		deadline, _ := ctx.Deadline()
		sb.SetReadDeadline(deadline)
		if _, err = io.ReadFull(sb, make([]byte, 1)); err != nil {
			return err
		}
		return sb.SetReadDeadline(time.Time{})
	})
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	return sa, sb, stop, nil
}
