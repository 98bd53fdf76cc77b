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
// deadlines or addresses. Deadline specs are reported as unsupported; every
// other operation is bounded by the harness as for any transport. An
// endpoint that also has CloseWrite keeps half-close.
func FromReadWriteClosers(name string, f func() (a, b io.ReadWriteCloser, stop func(), err error)) Transport {
	traits := Traits{Kind: KindCustom, Lacks: []Ability{ReadDeadline, WriteDeadline}, Notes: "io.ReadWriteCloser, no deadlines"}
	return New(name, traits, func(context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := f()
		return rwcConn(name, a), rwcConn(name, b), stop, err
	})
}

// rwcConn wraps c as a net.Conn; nil stays nil, so Open can report it.
func rwcConn(name string, c io.ReadWriteCloser) net.Conn {
	if c == nil {
		return nil
	}
	r := rwc{ReadWriteCloser: c, name: name}
	if _, ok := c.(interface{ CloseWrite() error }); ok {
		return rwcHalf{r}
	}
	return r
}

// rwc is an io.ReadWriteCloser as a net.Conn whose deadlines fail.
type rwc struct {
	io.ReadWriteCloser
	name string
}

func (c rwc) LocalAddr() net.Addr  { return rwcAddr(c.name) }
func (c rwc) RemoteAddr() net.Addr { return rwcAddr(c.name) }

func (c rwc) SetDeadline(time.Time) error      { return c.noDeadlines() }
func (c rwc) SetReadDeadline(time.Time) error  { return c.noDeadlines() }
func (c rwc) SetWriteDeadline(time.Time) error { return c.noDeadlines() }

func (c rwc) noDeadlines() error {
	return fmt.Errorf("transport %s is an io.ReadWriteCloser without deadlines: %w", c.name, errors.ErrUnsupported)
}

// rwcHalf is an rwc whose endpoint can CloseWrite.
type rwcHalf struct{ rwc }

func (c rwcHalf) CloseWrite() error {
	return c.ReadWriteCloser.(interface{ CloseWrite() error }).CloseWrite()
}

type rwcAddr string

func (a rwcAddr) Network() string { return "rwc" }
func (a rwcAddr) String() string  { return string(a) }
