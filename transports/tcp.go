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
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ch <- accepted{c, err}
	}()
	a, err := (&net.Dialer{}).DialContext(ctx, ln.Addr().Network(), ln.Addr().String())
	if err != nil {
		ln.Close() // ends the Accept
		<-ch
		return nil, nil, nil, err
	}
	select {
	case r := <-ch:
		if r.err != nil {
			a.Close()
			return nil, nil, nil, r.err
		}
		return a, r.c, nil, nil
	case <-ctx.Done():
		a.Close()
		ln.Close()
		if r := <-ch; r.c != nil {
			r.c.Close()
		}
		return nil, nil, nil, errors.Join(errors.New("accept did not complete"), ctx.Err())
	}
}
