package harness_test

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/pair"
)

// stream is an io.ReadWriteCloser; the types below add one method each.
type stream struct {
	io.Reader
	io.Writer
	calls *calls
}

func (s stream) Close() error { s.calls.add("Close"); return nil }

// calls records the Close and CloseRead calls of both endpoints.
type calls struct {
	mu    sync.Mutex
	names []string
}

func (c *calls) add(name string) { c.mu.Lock(); c.names = append(c.names, name); c.mu.Unlock() }

func (c *calls) list() []string { c.mu.Lock(); defer c.mu.Unlock(); return slices.Clone(c.names) }

type readDeadline struct{ stream }

func (readDeadline) SetReadDeadline(time.Time) error { return nil }

type bothDeadline struct{ stream }

func (bothDeadline) SetDeadline(time.Time) error { return nil }

type closeRead struct{ stream }

func (s closeRead) CloseRead() error { s.calls.add("CloseRead"); return nil }

// abilities opens one pair of endpoints made by mk through
// FromReadWriteClosers, wrapped by wrap, and returns what the harness
// found; calls lists the endpoints' Close and CloseRead calls.
func abilities(t *testing.T, mk func(stream) io.ReadWriteCloser, wrap func(harness.Transport) harness.Transport) (*pair.Pair, *calls) {
	t.Helper()
	calls := new(calls)
	tr := wrap(harness.FromReadWriteClosers("test", func() (io.ReadWriteCloser, io.ReadWriteCloser, func(), error) {
		r, w := io.Pipe()
		return mk(stream{r, w, calls}), mk(stream{r, w, calls}), nil, nil
	}))
	p, err := pair.Open(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	return p, calls
}

func same(tr harness.Transport) harness.Transport { return tr }

func TestFromReadWriteClosersDiscoversAbilities(t *testing.T) {
	for _, c := range []struct {
		name string
		mk   func(stream) io.ReadWriteCloser
		want []harness.Ability
	}{
		{"plain", func(s stream) io.ReadWriteCloser { return s }, []harness.Ability{harness.FullClose}},
		{"SetReadDeadline", func(s stream) io.ReadWriteCloser { return readDeadline{s} }, []harness.Ability{harness.ReadDeadline, harness.FullClose}},
		{"SetDeadline alone", func(s stream) io.ReadWriteCloser { return bothDeadline{s} }, []harness.Ability{harness.FullClose}},
		{"CloseRead", func(s stream) io.ReadWriteCloser { return closeRead{s} }, []harness.Ability{harness.CloseRead, harness.FullClose}},
		{"net.Conn", func(stream) io.ReadWriteCloser { a, _ := net.Pipe(); return a },
			[]harness.Ability{harness.ReadDeadline, harness.WriteDeadline, harness.FullClose}},
	} {
		p, _ := abilities(t, c.mk, same)
		if got := p.Abilities(); !slices.Equal(got, c.want) {
			t.Errorf("%s: abilities %v, want %v", c.name, got, c.want)
		}
		err := p.A.SetWriteDeadline(time.Now())
		if wantErr := !slices.Contains(c.want, harness.WriteDeadline); errors.Is(err, errors.ErrUnsupported) != wantErr {
			t.Errorf("%s: SetWriteDeadline = %v", c.name, err)
		}
		_ = p.Close()
	}
}

func TestHalfCloseOnClose(t *testing.T) {
	var full []io.Closer
	fullClose := func(e io.Closer) error { full = append(full, e); return nil }
	p, calls := abilities(t, func(s stream) io.ReadWriteCloser { return closeRead{s} },
		func(tr harness.Transport) harness.Transport { return harness.HalfCloseOnClose(tr, fullClose) })
	want := []harness.Ability{harness.CloseWrite, harness.CloseRead, harness.FullClose}
	if got := p.Abilities(); !slices.Equal(got, want) {
		t.Fatalf("abilities %v, want %v", got, want)
	}
	if err := p.A.(interface{ CloseWrite() error }).CloseWrite(); err != nil || !slices.Equal(calls.list(), []string{"Close"}) {
		t.Errorf("CloseWrite = %v, calling %v; want the endpoint's Close", err, calls.list())
	}
	_ = p.A.Close()
	if len(full) != 1 {
		t.Fatalf("Close called fullClose %d times, want 1", len(full))
	}
	if _, ok := full[0].(closeRead); !ok {
		t.Errorf("fullClose got a %T, want the endpoint as the transport returned it (closeRead)", full[0])
	}

	p, calls = abilities(t, func(s stream) io.ReadWriteCloser { return s },
		func(tr harness.Transport) harness.Transport { return harness.HalfCloseOnClose(tr, nil) })
	if p.Can(harness.FullClose) || !p.Can(harness.CloseWrite) {
		t.Errorf("without fullClose: abilities %v, want close-write and no full-close", p.Abilities())
	}
	_ = p.A.Close()
	if !slices.Equal(calls.list(), []string{"Close"}) {
		t.Errorf("without fullClose, Close called %v; want the endpoint's Close", calls.list())
	}
}
