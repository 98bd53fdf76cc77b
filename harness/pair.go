package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"
)

// Bounds for the harness's own calls into a transport. A transport that
// exceeds one is reported as hung; the call's goroutine is abandoned.
const (
	PairTimeout  = 2 * time.Second // Transport.Pair
	CloseTimeout = 1 * time.Second // each Close and the stop function
)

// Pair is a connected pair of endpoints from one transport.
type Pair struct {
	Transport string
	Kind      Kind
	A, B      net.Conn

	abilities []Ability
	stop      func()
	closeOnce sync.Once
	closeErr  error
}

// Can reports whether both endpoints have ability a.
func (p *Pair) Can(a Ability) bool { return slices.Contains(p.abilities, a) }

// Abilities lists what both endpoints can do.
func (p *Pair) Abilities() []Ability { return slices.Clone(p.abilities) }

// Unavailable is returned by a transport that cannot run on this machine
// (no IPv6, no privilege); specs on it are skipped with the reason.
type Unavailable struct{ Reason string }

func (u *Unavailable) Error() string { return "unavailable: " + u.Reason }

// IsUnavailable reports whether err says the transport cannot run here.
func IsUnavailable(err error) (string, bool) {
	var u *Unavailable
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
func Open(ctx context.Context, tr Transport) (*Pair, error) {
	name := tr.Name()
	bound := PairTimeout
	if s, ok := tr.(SlowPairer); ok {
		bound = max(bound, s.PairBound())
	}
	ctx, cancel := context.WithTimeout(ctx, bound)
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
				r = result{err: &PanicError{Op: "Pair", Value: v}}
			}
			done <- r
		}()
		r.a, r.b, r.stop, r.err = tr.Pair(ctx)
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		// Close whatever a late Pair still returns.
		go func() { r := <-done; closeQuietly(r.a, r.b, r.stop) }()
		return nil, fmt.Errorf("transport %s: Pair did not return within %v: hung", name, bound)
	}
	if r.err != nil {
		if _, ok := IsUnavailable(r.err); ok {
			return nil, r.err
		}
		closeQuietly(r.a, r.b, r.stop)
		if IsPanic(r.err) {
			return nil, fmt.Errorf("transport %s: %w", name, r.err)
		}
		return nil, fmt.Errorf("transport %s: Pair failed: %w", name, r.err)
	}
	if r.a == nil || r.b == nil {
		closeQuietly(r.a, r.b, r.stop)
		return nil, fmt.Errorf("transport %s: Pair returned a nil conn (a=%v, b=%v)", name, r.a != nil, r.b != nil)
	}
	traits := tr.Traits()
	abilities := traits.Abilities(r.a)
	abilities = slices.DeleteFunc(abilities, func(a Ability) bool { return !slices.Contains(traits.Abilities(r.b), a) })
	return &Pair{Transport: name, Kind: traits.Kind, A: r.a, B: r.b, abilities: abilities, stop: r.stop}, nil
}

// Close closes both endpoints at once, then calls stop, each bounded by
// CloseTimeout, so a transport whose Close hangs costs one bound, not two.
// It reports a Close or stop that hung or panicked; close errors of
// already-closed endpoints are not failures.
func (p *Pair) Close() error {
	p.closeOnce.Do(func() {
		bounded := func(what string, f func() error) error {
			if err := Within(CloseTimeout, what, f); IsHung(err) || IsPanic(err) {
				return fmt.Errorf("transport %s: %w", p.Transport, err)
			}
			return nil
		}
		var errA error
		var wg sync.WaitGroup
		wg.Go(func() { errA = bounded("A.Close", p.A.Close) })
		errB := bounded("B.Close", p.B.Close)
		wg.Wait()
		errStop := bounded("stop", func() error {
			if p.stop != nil {
				p.stop()
			}
			return nil
		})
		p.closeErr = errors.Join(errA, errB, errStop)
	})
	return p.closeErr
}

func closeQuietly(a, b net.Conn, stop func()) {
	for _, c := range []net.Conn{a, b} {
		if c != nil {
			_ = Within(CloseTimeout, "Close", c.Close)
		}
	}
	if stop != nil {
		_ = Within(CloseTimeout, "stop", func() error { stop(); return nil })
	}
}
