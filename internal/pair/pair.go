package pair

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
)

// Timeout bounds Transport.Pair: it is the deadline of the context Pair
// gets. A Pair that has not returned Grace after it is reported as hung
// and its goroutine abandoned. Closes are bounded by bound.CloseTimeout.
const Timeout = 2 * time.Second

// Grace is how long Open waits, once Pair's context has ended, for a Pair
// that honours its context to return its own error: that error (a proxy
// that opened no upstream connection, a dial refused) says more than
// "hung", and a Pair that gives up exactly at its deadline must not lose
// the race to Open's own bound.
const Grace = 500 * time.Millisecond

// Pair is a connected pair of endpoints from one transport.
type Pair struct {
	Transport string
	Kind      harness.Kind
	A, B      net.Conn

	abilities  []harness.Ability
	stop       func()
	closeOnce  sync.Once
	closeErr   error
	closeTimes []bound.CloseTime
}

// Can reports whether both endpoints have ability a.
func (p *Pair) Can(a harness.Ability) bool { return slices.Contains(p.abilities, a) }

// Abilities lists what both endpoints can do.
func (p *Pair) Abilities() []harness.Ability { return slices.Clone(p.abilities) }

// IsUnavailable reports whether err says the transport cannot run here.
func IsUnavailable(err error) (string, bool) {
	var u *harness.Unavailable
	if errors.As(err, &u) {
		return u.Reason, true
	}
	return "", false
}

// SlowPairer is a transport whose Pair may take longer than PairTimeout
// and still be correct, such as one that makes kernel objects under a
// lock the whole machine shares; Open waits up to PairBound for it.
type SlowPairer interface{ PairBound() time.Duration }

// Open asks tr for a pair, bounded by PairTimeout (or tr's PairBound) and
// ctx, and turns panics, nil conns and hangs into errors that name the
// transport.
func Open(ctx context.Context, tr harness.Transport) (*Pair, error) {
	name := tr.Name()
	limit := Timeout
	if s, ok := tr.(SlowPairer); ok {
		limit = max(limit, s.PairBound())
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	type result struct {
		a, b net.Conn
		stop func()
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if v := recover(); v != nil {
				r = result{err: &bound.PanicError{Op: "Pair", Value: v}}
			}
			done <- r
		}()
		r.a, r.b, r.stop, r.err = tr.Pair(ctx)
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		grace := time.NewTimer(Grace)
		defer grace.Stop()
		select {
		case r = <-done:
		case <-grace.C:
			// Close whatever a late Pair still returns.
			go func() { r := <-done; closeQuietly(name, r.a, r.b, r.stop) }()
			return nil, fmt.Errorf("transport %s: Pair did not return within %v, nor %v after its context ended: hung", name, limit, Grace)
		}
	}
	if r.err != nil {
		if _, ok := IsUnavailable(r.err); ok {
			return nil, r.err
		}
		closeQuietly(name, r.a, r.b, r.stop)
		if bound.IsPanic(r.err) {
			return nil, fmt.Errorf("transport %s: %w", name, r.err)
		}
		return nil, fmt.Errorf("transport %s: Pair failed: %w", name, r.err)
	}
	if r.a == nil || r.b == nil {
		closeQuietly(name, r.a, r.b, r.stop)
		return nil, fmt.Errorf("transport %s: Pair returned a nil conn (a=%v, b=%v)", name, r.a != nil, r.b != nil)
	}
	traits := tr.Traits()
	abilities := traits.Abilities(r.a)
	abilities = slices.DeleteFunc(abilities, func(a harness.Ability) bool { return !slices.Contains(traits.Abilities(r.b), a) })
	return &Pair{Transport: name, Kind: traits.Kind, A: r.a, B: r.b, abilities: abilities, stop: r.stop}, nil
}

// Close closes both endpoints at once, then calls stop, each with
// CloseWithin, so a transport whose Close hangs costs one bound, not two.
// It reports a Close or stop that hung or panicked; the errors Close
// returns are not failures (an endpoint whose peer has gone may say so).
// CloseTimes tells how long each took.
func (p *Pair) Close() error {
	p.closeOnce.Do(func() {
		times := make([]bound.CloseTime, 3)
		errs := make([]error, 3)
		bounded := func(i int, what string, f func() error) {
			var err error
			times[i], err = bound.CloseWithin(p.Transport, what, f)
			if bound.IsHung(err) || bound.IsPanic(err) {
				errs[i] = fmt.Errorf("transport %s: %w", p.Transport, err)
			}
		}
		var wg sync.WaitGroup
		wg.Go(func() { bounded(0, "A.Close", p.A.Close) })
		bounded(1, "B.Close", p.B.Close)
		wg.Wait()
		bounded(2, "stop", func() error {
			if p.stop != nil {
				p.stop()
			}
			return nil
		})
		p.closeErr, p.closeTimes = errors.Join(errs...), times
	})
	return p.closeErr
}

// CloseTimes reports how long Close took for each endpoint and for stop,
// once Close has returned.
func (p *Pair) CloseTimes() []bound.CloseTime { return slices.Clone(p.closeTimes) }

func closeQuietly(transport string, a, b net.Conn, stop func()) {
	for _, c := range []net.Conn{a, b} {
		if c != nil {
			_, _ = bound.CloseWithin(transport, "Close", c.Close)
		}
	}
	if stop != nil {
		_, _ = bound.CloseWithin(transport, "stop", func() error { stop(); return nil })
	}
}
