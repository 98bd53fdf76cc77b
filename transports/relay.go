package transports

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// RelayFunc starts a relay (a proxy, tunnel or port forwarder) that
// forwards each connection made to the address it returns to upstream, and
// returns a stop function that ends the relay and releases all it holds.
// The relay may still be starting when it returns: streamspec retries the
// dial until the pair's deadline.
type RelayFunc func(upstream string) (listen string, stop func(), err error)

// Relay validates a relay started from Go. For every pair streamspec opens
// a TCP listener on 127.0.0.1 (the upstream), calls start with its address,
// dials the address start returns and accepts the relay's first upstream
// connection: A is the dialled client end, B the accepted upstream end, so
// every spec runs through the relay, and stop is called when the pair is
// closed. Both ends are *net.TCPConn: CloseWrite, CloseRead and deadlines
// act on the sockets streamspec holds, and what the peer sees is what the
// relay passes on.
func Relay(name string, start RelayFunc) harness.Transport {
	return harness.New(name, harness.Traits{Kind: harness.KindRelay, Notes: "Go relay between tcp4 sockets"},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			return relayPair(ctx, nil, func(upstream string) (*runningRelay, error) {
				listen, stop, err := start(upstream)
				if err != nil {
					return nil, err
				}
				return &runningRelay{listen: listen, stop: stop}, nil
			})
		})
}

// runningRelay is a started relay: the address to dial, how to stop it,
// and, for a process, a channel closed when it exits and why.
type runningRelay struct {
	listen string
	stop   func()
	exited <-chan struct{}   // nil: never exits by itself
	why    func(error) error // explains a failure, e.g. with the relay's stderr
	retry  func(error) bool  // nil, or whether a failed start is worth repeating on fresh ports
}

// explain wraps err with what the relay can tell about it.
func (r *runningRelay) explain(err error) error {
	if r.why == nil {
		return err
	}
	return r.why(err)
}

// relayPair opens the upstream listener, starts the relay with its address
// and connects a client through it. A relay whose failure its retry
// approves (a command that lost a port it was given to another process)
// is started again until ctx ends.
func relayPair(ctx context.Context, handshake HandshakeFunc, start func(upstream string) (*runningRelay, error)) (net.Conn, net.Conn, func(), error) {
	for {
		a, b, r, err := relayOnce(ctx, handshake, start)
		if err == nil {
			return a, b, r.stop, nil
		}
		if r == nil || r.retry == nil || !r.retry(err) || ctx.Err() != nil {
			return nil, nil, nil, err
		}
	}
}

// relayOnce is one attempt of relayPair; on failure the relay, if it
// started, is stopped and returned for its exit reason. A handshake runs on
// the dialled connection before the token, naming the upstream.
func relayOnce(ctx context.Context, handshake HandshakeFunc, start func(upstream string) (*runningRelay, error)) (net.Conn, net.Conn, *runningRelay, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	defer ln.Close() // B is the relay's first upstream connection; refuse later ones
	r, err := start(ln.Addr().String())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("starting the relay: %w", err)
	}
	a, b, err := connectAccept(ctx, ln, r.exited, func(ctx context.Context) (net.Conn, error) {
		c, err := dialRetry(ctx, r.listen, r.exited)
		if err != nil || handshake == nil {
			return c, err
		}
		if err := handshake(ctx, c.(*net.TCPConn), ln.Addr().String()); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	})
	if err == nil {
		err = checkRoute(ctx, a, b)
		if err != nil {
			a.Close()
			b.Close()
		}
	}
	if err != nil {
		err = r.explain(fmt.Errorf("relay on %s to upstream %s: %w", r.listen, ln.Addr(), err))
		if r.stop != nil {
			r.stop()
		}
		return nil, nil, r, err
	}
	return a, b, r, nil
}

// checkRoute sends a pairing token from a and reads it at b: they must be
// the two ends of one connection through the relay.
func checkRoute(ctx context.Context, a, b net.Conn) error {
	t := newToken()
	sent := make(chan error, 1)
	go func() { sent <- writeToken(ctx, a, t) }()
	got, err := readToken(ctx, b)
	if werr := <-sent; err == nil && werr != nil {
		return fmt.Errorf("writing the first bytes into the relay: %w", werr)
	}
	if err == nil && got != t {
		err = fmt.Errorf("%w: it carried another client's first bytes (a relay that lost its port to another?)", errMisrouted)
	}
	return err
}

// errRelayExited reports a relay that ended before the pair was connected.
var errRelayExited = errors.New("the relay exited")

// dialRetry dials addr until it accepts, ctx ends or exited is closed,
// backing off from 1 ms to 50 ms: a relay process needs a moment to listen.
func dialRetry(ctx context.Context, addr string, exited <-chan struct{}) (net.Conn, error) {
	backoff := time.Millisecond
	for {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err == nil {
			return c, nil
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
			backoff = min(2*backoff, 50*time.Millisecond)
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("nothing accepted on %s: %w", addr, errors.Join(err, ctx.Err()))
		case <-exited:
			t.Stop()
			return nil, fmt.Errorf("dialling %s: %w before accepting", addr, errRelayExited)
		}
	}
}
