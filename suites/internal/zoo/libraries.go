package zoo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
)

// Libraries lists transports shaped like the real stream libraries of the
// gallery, each with a trait that once gave streamspec a wrong verdict on
// the real thing (issue 11). They are declared through the public API as
// a user would, and run every spec, observed ones included.
func Libraries() []Entry {
	return append([]Entry{
		{Transport: library("zoo-close-error", func(e *end) net.Conn { return &wsConn{Conn: e, e: e, closeErr: true} }),
			Kind: Legal, Observed: true,
			What: "Close after the peer has closed returns an error, as coder/websocket's NetConn does (failed to close WebSocket: ... connection reset by peer)"},
		{Transport: library("zoo-slow-close", func(e *end) net.Conn { return &wsConn{Conn: e, e: e, slowClose: true} }),
			Kind: Legal, Observed: true,
			What: "Close waits up to 5 s for the peer's close frame, as coder/websocket's does (close.go waitCloseHandshake)"},
		{Transport: library("zoo-websocket", func(e *end) net.Conn {
			return &wsConn{Conn: e, e: e, closeErr: true, slowClose: true, deadlineKills: true}
		}),
			Kind: Library, Observed: true, Fails: []string{catalogue.ReadDeadlines.ID, catalogue.WriteDeadlines.ID},
			What: "coder/websocket NetConn: slow Close, Close errors after the peer closed, and a deadline that fires during a call closes the connection (documented in netconn.go)"},
		{Transport: library("zoo-yamux-timeouts", func(e *end) net.Conn { return struct{ net.Conn }{timeoutsAs{e, yamuxTimeout}} }),
			Kind: Library, Observed: true, Fails: []string{catalogue.ReadDeadlines.ID, catalogue.WriteDeadlines.ID},
			Outcomes: map[string]string{catalogue.WriteTimeoutUsable.ID: "usable"},
			What:     "timeouts are a net.Error whose Timeout() is true and that wraps nothing, not os.ErrDeadlineExceeded (yamux const.go ErrTimeout, smux session.go ErrTimeout)"},
		{Transport: harness.FromMakePipe("zoo-kcp", func() (net.Conn, net.Conn, func(), error) {
			a, b := newQueuePair(quirks{silentClose: true})
			return struct{ net.Conn }{a}, struct{ net.Conn }{b}, func() { a.Close(); b.Close() }, nil
		}),
			Kind: Library, Observed: true, Fails: []string{catalogue.GracefulClose.ID, catalogue.PeerGone.ID},
			Outcomes: map[string]string{catalogue.NagleDelayedACK.ID: "default: no stall"},
			What:     "Close stops this end and never tells the peer, as kcp-go's UDPSession.Close (sess.go; KCP has no FIN or RST): the peer reads no EOF and its Writes go on"},
		{Transport: library("zoo-ssh-channel", func(e *end) net.Conn { return sshChannel{Conn: e, e: e} }),
			Kind: Broken, Target: catalogue.CloseUnblocks.ID, Want: "B.Read after Close",
			What: "Close after the peer closed returns io.EOF and leaves unread data readable (x/crypto/ssh channel.go writePacket, buffer.go Read)"},
	}, seqPackets()...)
}

// library is a custom transport over a healthy queue whose endpoints wrap
// shapes like a library's: a wrapper embeds the end as a net.Conn, so the
// queue's CloseWrite is hidden, as these libraries have none. stop closes
// the queue ends, as closing a library's session or connection would.
func library(name string, wrap func(*end) net.Conn) harness.Transport {
	return harness.FromMakePipe(name, func() (net.Conn, net.Conn, func(), error) {
		a, b := newQueuePair(quirks{})
		return wrap(a), wrap(b), func() { a.Close(); b.Close() }, nil
	})
}

// webSocketCloseWait is how long coder/websocket's Close waits for the
// peer's close frame (close.go waitCloseHandshake: 5 s).
const webSocketCloseWait = 5 * time.Second

// wsConn behaves like coder/websocket's NetConn (netconn.go, close.go) in
// the ways chosen: it has no CloseWrite; with slowClose, Close sends a close
// frame (the queue's EOF) and waits for the peer's before closing, and a
// Read that meets the peer's close frame answers it; with closeErr, Close
// after the peer has gone reports the close frame it could not send; with
// deadlineKills, a deadline that fires during a Read or Write closes the
// connection, and an expired one fails later calls with
// context.DeadlineExceeded.
type wsConn struct {
	net.Conn
	e                                  *end
	slowClose, closeErr, deadlineKills bool
	rd, wd                             atomic.Int64 // deadlines, UnixNano; 0 for none
}

func (c *wsConn) Read(p []byte) (int, error) {
	start := time.Now()
	n, err := c.e.Read(p)
	if err == io.EOF && c.slowClose {
		_ = c.e.CloseWrite() // the reply to the peer's close frame
	}
	return n, c.deadline("read", err, start, &c.rd)
}

func (c *wsConn) Write(p []byte) (int, error) {
	start := time.Now()
	n, err := c.e.Write(p)
	if err != nil && c.deadlineKills {
		n = 0 // a failed message write reports nothing written (netconn.go Write)
	}
	return n, c.deadline("write", err, start, &c.wd)
}

// deadline turns the queue's timeout into what NetConn returns.
func (c *wsConn) deadline(op string, err error, start time.Time, dl *atomic.Int64) error {
	if !c.deadlineKills || !os.IsTimeout(err) {
		return err
	}
	if t := dl.Load(); t != 0 && time.Unix(0, t).After(start) {
		c.e.Close() // fired during the call: the connection is closed
		return fmt.Errorf("failed to %s: %w", op, context.Canceled)
	}
	return fmt.Errorf("failed to %s: %w", op, context.DeadlineExceeded)
}

func (c *wsConn) SetDeadline(t time.Time) error {
	_ = c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *wsConn) SetReadDeadline(t time.Time) error {
	c.rd.Store(nanos(t))
	return c.e.SetReadDeadline(t)
}
func (c *wsConn) SetWriteDeadline(t time.Time) error {
	c.wd.Store(nanos(t))
	return c.e.SetWriteDeadline(t)
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func (c *wsConn) Close() error {
	gone := c.e.peerClosed()
	if c.slowClose {
		_ = c.e.CloseWrite()                 // the close frame
		c.e.awaitPeerEOF(webSocketCloseWait) // the peer's, or give up
	}
	err := c.e.Close()
	if gone && c.closeErr && err == nil {
		return fmt.Errorf("failed to close WebSocket: failed to write control frame opClose: %w", syscall.ECONNRESET)
	}
	return err
}

// sshChannel behaves like an x/crypto/ssh channel once its peer has
// closed: the peer's close was answered by the connection's mux, so Close
// returns io.EOF (channel.go writePacket, sentClose) and changes nothing,
// and Read still returns what the channel had buffered (buffer.go Read).
// Writes fail, the peer being gone.
type sshChannel struct {
	net.Conn
	e *end
}

func (c sshChannel) Close() error {
	if c.e.peerClosed() {
		return io.EOF
	}
	return c.e.Close()
}

// yamuxTimeout reports a timeout as hashicorp/yamux does (const.go:
// ErrTimeout = &NetError{err: fmt.Errorf("i/o deadline reached"), timeout:
// true}, and NetError has no Unwrap).
func yamuxTimeout(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return yamuxNetError{}
	}
	return err
}

type yamuxNetError struct{}

func (yamuxNetError) Error() string   { return "i/o deadline reached" }
func (yamuxNetError) Timeout() bool   { return true }
func (yamuxNetError) Temporary() bool { return false }

// Streams lists multiplexer streams shaped like hashicorp/yamux's and
// quic-go's, whose Close is a half-close, declared as a user would.
func Streams() []Entry {
	return []Entry{
		{Transport: harness.HalfCloseOnClose(library("zoo-yamux", func(e *end) net.Conn { return muxStream{Conn: e, e: e} }), nil),
			Kind: Legal, Observed: true, MustRun: []string{catalogue.HalfClose.ID, catalogue.GracefulClose.ID},
			What: "a yamux stream: Close sends FIN and ends only the writing direction (stream.go Close)"},
		{Transport: harness.HalfCloseOnClose(harness.FromReadWriteClosers("zoo-quic", func() (io.ReadWriteCloser, io.ReadWriteCloser, func(), error) {
			a, b := newQueuePair(quirks{})
			return &quicStream{a}, &quicStream{b}, func() { a.Close(); b.Close() }, nil
		}), func(e io.Closer) error { s := e.(*quicStream); s.CancelRead(0); return s.Close() }),
			Kind: Legal, Observed: true,
			MustRun: []string{catalogue.ReadDeadlines.ID, catalogue.WriteDeadlines.ID, catalogue.HalfClose.ID, catalogue.GracefulClose.ID,
				catalogue.CloseUnblocks.ID, catalogue.PeerGone.ID, catalogue.ClosedPeerErrors.ID},
			What: "a quic-go stream: no addresses, deadlines; Close ends the send direction only, CancelRead the receive direction (stream.go)"},
		{Transport: harness.HalfCloseOnClose(harness.FromReadWriteClosers("zoo-quic-close-in-write", func() (io.ReadWriteCloser, io.ReadWriteCloser, func(), error) {
			a, b := newQueuePair(quirks{})
			return newStrictQUICStream(a), newStrictQUICStream(b), func() { a.Close(); b.Close() }, nil
		}), func(e io.Closer) error { s := e.(*strictQUICStream); s.CancelRead(0); return s.Close() }),
			Kind: Library, Observed: true, Fails: []string{catalogue.CloseUnblocks.ID},
			What: "a quic-go stream whose Write, blocked when Close is called, is never woken (send_stream.go: Close \"must not be called concurrently with [SendStream.Write]\"; closeForShutdown then sets no error for it)"},
		{Transport: QUICTimerClose(), Kind: Legal, Observed: true,
			What: "a quic-go connection's socket: after stop, a timer wakes its parked listener 3 PTO later, which closes the UDP socket (transport.go ReplaceWithClosed)"},
	}
}

// strictQUICStream is a quicStream whose Write, pending when Close is
// called, never returns, unless the peer's STOP_SENDING came first:
// quic-go's Close sets finishedWriting, so neither it nor the connection's
// shutdown (closeForShutdown sets shutdownErr only if !finishedWriting)
// gives the waiting Write an error. The peer's CancelRead fails this
// end's Writes a network round trip later (stopSendingDelay), as the
// STOP_SENDING frame does (CancelWrite on its arrival sets resetErr).
type strictQUICStream struct {
	*quicStream
	writing           atomic.Int32
	closedDuringWrite atomic.Bool
}

const stopSendingDelay = 10 * time.Millisecond

func newStrictQUICStream(e *end) *strictQUICStream {
	return &strictQUICStream{quicStream: &quicStream{e}}
}

func (s *strictQUICStream) Write(p []byte) (int, error) {
	s.writing.Add(1)
	n, err := s.quicStream.Write(p)
	s.writing.Add(-1)
	if err != nil && s.closedDuringWrite.Load() {
		select {} // send_stream.go write: waits on writeChan for good
	}
	return n, err
}

func (s *strictQUICStream) Close() error {
	if s.writing.Load() > 0 {
		s.closedDuringWrite.Store(true)
	}
	return s.quicStream.Close()
}

func (s *strictQUICStream) CancelRead(code uint64) {
	s.e.readShut.Store(true)
	time.AfterFunc(stopSendingDelay, s.e.closeRead)
}

// quicCloseDelay stands for quic-go's 3 PTO (connection.go: a closed
// connection's IDs are kept 3*PTO, a few milliseconds on loopback).
const quicCloseDelay = 5 * time.Millisecond

// QUICTimerClose is a healthy queue pair with a UDP socket per pair,
// released as quic-go's single-use transports release theirs (quic-go
// transport.go): a listener goroutine is parked reading it and a send-queue
// goroutine waits for the listener; stop only arms a timer (ReplaceWithClosed's
// time.AfterFunc), whose deadline wakes the listener, which closes the
// socket and ends both goroutines. Nothing is left, a few milliseconds
// after stop returns, with every goroutine parked meanwhile.
func QUICTimerClose() harness.Transport {
	return harness.FromMakePipe("zoo-quic-timer-close", func() (net.Conn, net.Conn, func(), error) {
		conn, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, nil, err
		}
		listening := make(chan struct{})
		go func() { // Transport.listen
			defer close(listening)
			buf := make([]byte, 1500)
			for {
				if _, _, err := conn.ReadFrom(buf); err != nil {
					conn.Close()
					return
				}
			}
		}()
		go func() { <-listening }() // Transport.runSendQueue
		a, b := newQueuePair(quirks{})
		return a, b, func() {
			time.AfterFunc(quicCloseDelay, func() { conn.SetReadDeadline(time.Now()) }) // maybeStopListening
		}, nil
	})
}

// muxStream behaves like a hashicorp/yamux stream (stream.go Close): Close
// sends FIN and ends only the writing direction; Reads go on until the
// peer's FIN; closing again does nothing.
type muxStream struct {
	net.Conn
	e *end
}

func (s muxStream) Close() error { _ = s.e.CloseWrite(); return nil }

// quicStream behaves like a quic-go Stream (stream.go): it is no net.Conn
// (no addresses); Close "closes the send-direction of the stream" only;
// CancelRead ends the receive direction, failing Reads at once and the
// peer's Writes (STOP_SENDING); deadlines time out with an error matching
// os.ErrDeadlineExceeded.
type quicStream struct{ e *end }

func (s *quicStream) Read(p []byte) (int, error)        { return s.e.Read(p) }
func (s *quicStream) Write(p []byte) (int, error)       { return s.e.Write(p) }
func (s *quicStream) Close() error                      { _ = s.e.CloseWrite(); return nil }
func (s *quicStream) CancelRead(code uint64)            { s.e.closeRead() }
func (s *quicStream) SetDeadline(t time.Time) error     { return s.e.SetDeadline(t) }
func (s *quicStream) SetReadDeadline(t time.Time) error { return s.e.SetReadDeadline(t) }
func (s *quicStream) SetWriteDeadline(t time.Time) error {
	return s.e.SetWriteDeadline(t)
}
