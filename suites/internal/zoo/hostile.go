package zoo

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
)

// never is never closed: a hostile call that waits on it ignores
// deadlines, contexts and Close. Its goroutine stays blocked until the
// process exits, which it does not delay.
var never = make(chan struct{})

// Hostiles lists transports that fail to open or whose endpoints hang.
func Hostiles() []Entry {
	factory := func(name, what, want string, pair harness.PairFunc) Entry {
		return Entry{Transport: harness.New("zoo-"+name, harness.Traits{Kind: harness.KindCustom}, pair), Kind: Hostile, What: what, Want: want, StopsEarly: true}
	}
	hanger := func(name, what string, h hangs) Entry {
		tr := queueTransport("zoo-"+name, quirks{stopCloses: true}, func(c Conn) Conn { return hanging{c, h} })
		return Entry{Transport: tr, Kind: Hostile, What: what, Want: "hung"}
	}
	return []Entry{
		factory("factory-error", "Pair returns an error", "Pair failed: dial zoo: connection refused",
			func(context.Context) (net.Conn, net.Conn, func(), error) {
				return nil, nil, nil, errors.New("dial zoo: connection refused")
			}),
		factory("factory-nil", "Pair returns a nil conn and no error", "Pair returned a nil conn",
			func(context.Context) (net.Conn, net.Conn, func(), error) {
				a, b := newQueuePair(quirks{})
				return a, nil, func() { b.Close() }, nil
			}),
		factory("factory-panics", "Pair panics", "Pair panicked: zoo: factory bug",
			func(context.Context) (net.Conn, net.Conn, func(), error) { panic("zoo: factory bug") }),
		factory("factory-hangs", "Pair never returns, ignoring its context", "Pair did not return",
			func(context.Context) (net.Conn, net.Conn, func(), error) { <-never; return nil, nil, nil, nil }),
		hanger("read-hangs", "Read never returns, ignoring deadlines and Close", hangs{read: true}),
		hanger("write-hangs", "Write never returns, ignoring deadlines and Close", hangs{write: true}),
		closeHangs(hanger("close-hangs", "Close never returns", hangs{close: true})),
		hanger("deadline-setters-hang", "SetDeadline, SetReadDeadline and SetWriteDeadline never return", hangs{deadlines: true}),
	}
}

// closeHangs lets the first spec that closes the transport wait out one
// bound.CloseTimeout: a slow Close is not a hung one until then. Later
// specs get bound.CloseTimeoutAfterHang.
func closeHangs(e Entry) Entry {
	e.Bound = bound.CloseTimeout + 5*time.Second
	return e
}

type hangs struct{ read, write, close, deadlines bool }

// hanging is an endpoint whose chosen calls never return.
type hanging struct {
	Conn
	h hangs
}

func (c hanging) Read(p []byte) (int, error) {
	if c.h.read {
		<-never
	}
	return c.Conn.Read(p)
}

func (c hanging) Write(p []byte) (int, error) {
	if c.h.write {
		<-never
	}
	return c.Conn.Write(p)
}

func (c hanging) Close() error {
	if c.h.close {
		<-never
	}
	return c.Conn.Close()
}

func (c hanging) SetDeadline(t time.Time) error      { return c.setter(c.Conn.SetDeadline, t) }
func (c hanging) SetReadDeadline(t time.Time) error  { return c.setter(c.Conn.SetReadDeadline, t) }
func (c hanging) SetWriteDeadline(t time.Time) error { return c.setter(c.Conn.SetWriteDeadline, t) }

func (c hanging) setter(set func(time.Time) error, t time.Time) error {
	if c.h.deadlines {
		<-never
	}
	return set(t)
}
