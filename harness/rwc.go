package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// FromReadWriteClosers adapts a transport whose endpoints are only
// io.ReadWriteClosers: multiplexer streams, tunnels, anything without
// addresses. Abilities are discovered on each endpoint's type as for a
// net.Conn: SetReadDeadline and SetWriteDeadline (a SetDeadline alone
// stands for neither), CloseWrite and CloseRead. Specs needing what an
// endpoint lacks are unsupported; every operation is bounded by the
// harness as for any transport.
func FromReadWriteClosers(name string, f func() (a, b io.ReadWriteCloser, stop func(), err error)) Transport {
	return New(name, Traits{Kind: KindCustom, Notes: "io.ReadWriteCloser"}, func(context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := f()
		return adapt(name, a), adapt(name, b), stop, err
	})
}

// HalfCloseOnClose declares that tr's Close ends only the writing
// direction, as a hashicorp/yamux stream's (stream.go Close sends FIN) or
// a quic-go stream's does ("Close closes the send-direction of the
// stream"): the peer reads io.EOF after the data and the closer can still
// read. The harness then uses Close as the endpoints' CloseWrite, so
// half-close and graceful-close run.
//
// fullClose, if not nil, ends an endpoint in both directions, as a
// net.Conn's Close does; it gets the endpoint as tr returned it (for
// FromReadWriteClosers, the io.ReadWriteCloser). For a quic-go stream:
// CancelRead, then Close. Every Close the harness and the specs make then
// calls it, so close-unblocks, write-to-closed-peer and closed-peer-errors
// run. Without it those specs are unsupported (the transport lacks
// full-close), and the harness ends a pair by closing both endpoints,
// which ends such a stream both ways.
//
// The endpoints keep their addresses, deadlines and CloseRead; other
// abilities of their types (descriptors, buffer sizing, no-delay) are not
// passed on.
func HalfCloseOnClose(tr Transport, fullClose func(endpoint io.Closer) error) Transport {
	t := tr.Traits()
	t.Lacks = append([]Ability(nil), t.Lacks...)
	if fullClose == nil {
		t.Lacks = append(t.Lacks, FullClose)
	}
	t.Notes = joinNotes(t.Notes, "Close is a half-close")
	name := tr.Name()
	return New(name, t, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := tr.Pair(ctx)
		return halfClosing(name, a, fullClose), halfClosing(name, b, fullClose), stop, err
	})
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// halfClosing makes c's Close its CloseWrite, and fullClose its Close.
func halfClosing(name string, c net.Conn, fullClose func(io.Closer) error) net.Conn {
	if c == nil {
		return nil
	}
	e := *endpointOf(name, c) // a copy: c keeps its own methods
	e.closeWrite = e.close
	if fullClose != nil {
		orig := e.orig
		e.close = func() error { return fullClose(orig) }
	}
	return e.conn()
}

// adapt presents c as a net.Conn with exactly the abilities its type has;
// nil stays nil, so Open can report it.
func adapt(name string, c io.ReadWriteCloser) net.Conn {
	if c == nil {
		return nil
	}
	return endpointOf(name, c).conn()
}

// endpoint is a stream endpoint presented as a net.Conn whose optional
// abilities are exactly those found on the endpoint: an absent deadline
// setter returns errors.ErrUnsupported, an absent CloseWrite or CloseRead
// is no method at all (see conn).
type endpoint struct {
	rw                    io.ReadWriter
	orig                  io.Closer // the endpoint as the transport returned it
	name                  string
	close                 func() error
	closeWrite, closeRead func() error
	setRead, setWrite     func(time.Time) error
	setBoth               func(time.Time) error
	local, remote         net.Addr
}

// endpointOf finds c's abilities, or copies them when c is an endpoint.
func endpointOf(name string, c io.ReadWriteCloser) *endpoint {
	if e, ok := c.(interface{ self() *endpoint }); ok {
		return e.self()
	}
	e := &endpoint{rw: c, orig: c, name: name, close: c.Close, local: rwcAddr(name), remote: rwcAddr(name)}
	if a, ok := c.(interface{ LocalAddr() net.Addr }); ok {
		e.local = a.LocalAddr()
	}
	if a, ok := c.(interface{ RemoteAddr() net.Addr }); ok {
		e.remote = a.RemoteAddr()
	}
	if d, ok := c.(interface{ SetReadDeadline(time.Time) error }); ok {
		e.setRead = d.SetReadDeadline
	}
	if d, ok := c.(interface{ SetWriteDeadline(time.Time) error }); ok {
		e.setWrite = d.SetWriteDeadline
	}
	if d, ok := c.(interface{ SetDeadline(time.Time) error }); ok {
		e.setBoth = d.SetDeadline
	}
	if w, ok := c.(interface{ CloseWrite() error }); ok {
		e.closeWrite = w.CloseWrite
	}
	if r, ok := c.(interface{ CloseRead() error }); ok {
		e.closeRead = r.CloseRead
	}
	return e
}

// conn returns e as a net.Conn that has CloseWrite and CloseRead methods
// only where e has them, so the harness discovers what is there.
func (e *endpoint) conn() net.Conn {
	switch {
	case e.closeWrite != nil && e.closeRead != nil:
		return endpointWR{e}
	case e.closeWrite != nil:
		return endpointW{e}
	case e.closeRead != nil:
		return endpointR{e}
	}
	return e
}

func (e *endpoint) self() *endpoint { return e }

// hasDeadline tells discover whether the endpoint has a deadline setter.
func (e *endpoint) hasDeadline(a Ability) bool {
	return a == ReadDeadline && e.setRead != nil || a == WriteDeadline && e.setWrite != nil
}

func (e *endpoint) Read(p []byte) (int, error)  { return e.rw.Read(p) }
func (e *endpoint) Write(p []byte) (int, error) { return e.rw.Write(p) }
func (e *endpoint) Close() error                { return e.close() }
func (e *endpoint) LocalAddr() net.Addr         { return e.local }
func (e *endpoint) RemoteAddr() net.Addr        { return e.remote }

func (e *endpoint) SetReadDeadline(t time.Time) error { return e.set(e.setRead, "SetReadDeadline", t) }
func (e *endpoint) SetWriteDeadline(t time.Time) error {
	return e.set(e.setWrite, "SetWriteDeadline", t)
}

func (e *endpoint) SetDeadline(t time.Time) error {
	if e.setBoth != nil || e.setRead == nil || e.setWrite == nil {
		return e.set(e.setBoth, "SetDeadline", t)
	}
	return errors.Join(e.setRead(t), e.setWrite(t))
}

func (e *endpoint) set(f func(time.Time) error, what string, t time.Time) error {
	if f == nil {
		return fmt.Errorf("transport %s: the endpoint has no %s: %w", e.name, what, errors.ErrUnsupported)
	}
	return f(t)
}

type (
	endpointW  struct{ *endpoint }
	endpointR  struct{ *endpoint }
	endpointWR struct{ *endpoint }
)

func (e endpointW) CloseWrite() error  { return e.closeWrite() }
func (e endpointR) CloseRead() error   { return e.closeRead() }
func (e endpointWR) CloseWrite() error { return e.closeWrite() }
func (e endpointWR) CloseRead() error  { return e.closeRead() }

type rwcAddr string

func (a rwcAddr) Network() string { return "rwc" }
func (a rwcAddr) String() string  { return string(a) }
