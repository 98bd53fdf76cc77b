// Package transports holds streamspec's built-in transports, one per file.
package transports

import (
	"context"
	"errors"
	"net"

	"github.com/streamspec/streamspec/harness"
)

// TCP4 is TCP over IPv4 loopback with Go's defaults (TCP_NODELAY on,
// kernel buffer autotuning).
func TCP4() harness.Transport {
	return harness.New("tcp4", harness.Traits{Kind: harness.KindTCP, Notes: "127.0.0.1, Go defaults"}, tcpPair("tcp4", "127.0.0.1:0"))
}

// TCP6 is TCP over IPv6 loopback; unavailable where the machine has no ::1.
func TCP6() harness.Transport {
	return harness.New("tcp6", harness.Traits{Kind: harness.KindTCP, Notes: "[::1], Go defaults"}, tcpPair("tcp6", "[::1]:0"))
}

func tcpPair(network, addr string) harness.PairFunc {
	return func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		ln, err := (&net.ListenConfig{}).Listen(ctx, network, addr)
		if err != nil {
			if network == "tcp6" {
				return nil, nil, nil, &harness.Unavailable{Reason: "no IPv6 loopback: " + err.Error()}
			}
			return nil, nil, nil, err
		}
		defer ln.Close()
		return dialAccept(ctx, ln)
	}
}

// dialAccept connects to ln and returns the dialled and the accepted end.
func dialAccept(ctx context.Context, ln net.Listener) (net.Conn, net.Conn, func(), error) {
	a, b, err := connectAccept(ctx, ln, nil, func(ctx context.Context) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, ln.Addr().Network(), ln.Addr().String())
	})
	return a, b, nil, err
}

// connectAccept runs connect while accepting one connection on ln, and
// returns connect's conn and the accepted one. It gives up when ctx ends or
// abort (nil, or a relay's exit) is closed, closing whatever it got.
func connectAccept(ctx context.Context, ln net.Listener, abort <-chan struct{}, connect func(context.Context) (net.Conn, error)) (net.Conn, net.Conn, error) {
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ch <- accepted{c, err}
	}()
	a, err := connect(ctx)
	if err != nil {
		ln.Close() // ends the Accept
		if r := <-ch; r.c != nil {
			r.c.Close()
		}
		return nil, nil, err
	}
	var why error
	select {
	case r := <-ch:
		if r.err == nil {
			return a, r.c, nil
		}
		a.Close()
		return nil, nil, r.err
	case <-ctx.Done():
		why = errors.Join(errors.New("accept did not complete"), ctx.Err())
	case <-abort:
		why = errors.New("accept did not complete: the relay exited before connecting upstream")
	}
	a.Close()
	ln.Close()
	if r := <-ch; r.c != nil {
		r.c.Close()
	}
	return nil, nil, why
}
