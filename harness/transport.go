package harness

import (
	"context"
	"net"
	"slices"

	"go.uber.org/goleak"
)

// Transport makes fresh connected pairs of stream endpoints.
//
// Pair must return two connected endpoints and a stop function that releases
// whatever the pair needed besides the endpoints (a listener, a socket file,
// a relay process). stop may be nil. The harness calls Pair with a bounded
// context, recovers from panics and checks the results, so a broken transport
// produces a failure that names it instead of hanging or crashing the run.
type Transport interface {
	Name() string
	Traits() Traits
	Pair(ctx context.Context) (a, b net.Conn, stop func(), err error)
}

// PairFunc is the shape of a transport's pair constructor.
type PairFunc func(ctx context.Context) (a, b net.Conn, stop func(), err error)

// New returns a Transport named name with the declared traits.
func New(name string, traits Traits, pair PairFunc) Transport {
	return &funcTransport{name: name, traits: traits, pair: pair}
}

// FromMakePipe adapts a golang.org/x/net/nettest.MakePipe function, so a
// nettest setup switches to streamspec in one line. Abilities are discovered
// from the returned conns; use Without to declare what they cannot reveal.
func FromMakePipe(name string, mp func() (c1, c2 net.Conn, stop func(), err error)) Transport {
	return New(name, Traits{Kind: KindCustom}, func(context.Context) (net.Conn, net.Conn, func(), error) {
		return mp()
	})
}

// Without declares that tr lacks the given abilities even where its types
// suggest otherwise, for example a SetWriteDeadline that is accepted but
// ignored (WriteDeadline). Specs that need a declared-missing ability are
// reported as unsupported. A Close that only half-closes is declared with
// HalfCloseOnClose.
func Without(tr Transport, lacks ...Ability) Transport {
	t := tr.Traits()
	t.Lacks = append(append([]Ability(nil), t.Lacks...), lacks...)
	return New(tr.Name(), t, tr.Pair)
}

type funcTransport struct {
	name   string
	traits Traits
	pair   PairFunc
}

func (t *funcTransport) Name() string   { return t.name }
func (t *funcTransport) Traits() Traits { return t.traits }
func (t *funcTransport) Pair(ctx context.Context) (net.Conn, net.Conn, func(), error) {
	return t.pair(ctx)
}

// IgnoreGoroutines declares goroutines that tr's library starts for the
// whole process and never stops (a worker pool, a timer wheel, a shared
// socket's reader), as goleak options, so the leak check does not blame a
// spec for them. The leak check already takes each transport's baseline
// after a warm-up pair, which covers a pool started by the first Pair;
// declare what starts later, on first use of a stream. Ignore exactly the
// library's functions, e.g.
//
//	tr = harness.IgnoreGoroutines(tr, goleak.IgnoreTopFunction("example.com/mux.(*scheduler).run"))
func IgnoreGoroutines(tr Transport, opts ...goleak.Option) Transport {
	t := tr.Traits()
	t.IgnoreGoroutines = append(slices.Clone(t.IgnoreGoroutines), opts...)
	return New(tr.Name(), t, tr.Pair)
}

// Unavailable is returned by a transport that cannot run on this machine
// (no IPv6, no privilege); specs on it are skipped with the reason.
type Unavailable struct{ Reason string }

func (u *Unavailable) Error() string { return "unavailable: " + u.Reason }
