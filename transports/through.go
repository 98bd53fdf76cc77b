package transports

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/pair"
)

// Through validates a proxy that is already running: streamspec listens
// on upstream (the address the proxy forwards to), and for every pair
// dials the proxy at dial and takes the connection the proxy opens to
// upstream as B. A is the dialled end. Both are *net.TCPConn, as with
// Relay.
//
// Each pair writes a 16-byte token into A first and is matched with the
// accepted connection that starts with it; streamspec strips the token
// before any spec runs. So pairs opened at once (the lifetimes spec opens
// three) are matched correctly whatever order the proxy connects upstream
// in, a connection the proxy opens that carries no token (a health check,
// a pooled connection) is closed and named if a pair goes unmatched, and
// a proxy that adds bytes of its own (a PROXY protocol header) is reported
// as such. Serialising the pairs instead would be slower and would still
// mismatch a pooling proxy silently.
//
// The upstream address must be free for streamspec to listen on, once
// per process: run Through in one process (go test, or the streamspec
// command), not under ginkgo -p.
func Through(name, dial, upstream string) harness.Transport {
	return harness.New(name, harness.Traits{Kind: harness.KindRelay, Notes: "through " + dial + " to " + upstream},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			l, err := acquireUpstream(ctx, upstream)
			if err != nil {
				return nil, nil, nil, err
			}
			a, b, err := l.pair(ctx, dial)
			if err != nil {
				l.release()
				return nil, nil, nil, fmt.Errorf("through %s to %s: %w", dial, upstream, err)
			}
			return a, b, l.release, nil
		})
}

// upstreamListener is the listener on one upstream address, shared by the
// pairs open on it and closed with the last of them.
type upstreamListener struct {
	addr string
	ln   net.Listener
	refs int // guarded by upstreams.mu

	mu      sync.Mutex
	waiting map[token]chan net.Conn
	pending map[net.Conn]bool // accepted, token not read yet
	strays  []string          // what unmatched connections began with
	wg      sync.WaitGroup    // the accept loop and token readers
}

var upstreams = struct {
	mu sync.Mutex
	by map[string]*upstreamListener
}{by: map[string]*upstreamListener{}}

// acquireUpstream returns the listener on addr, opening it if no pair
// holds it.
func acquireUpstream(ctx context.Context, addr string) (*upstreamListener, error) {
	upstreams.mu.Lock()
	defer upstreams.mu.Unlock()
	if l := upstreams.by[addr]; l != nil {
		l.refs++
		return l, nil
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			err = fmt.Errorf("%w (Through needs the upstream address to itself: is another process, or ginkgo -p, listening there?)", err)
		}
		return nil, fmt.Errorf("listening on the upstream address: %w", err)
	}
	l := &upstreamListener{addr: addr, ln: ln, refs: 1, waiting: map[token]chan net.Conn{}, pending: map[net.Conn]bool{}}
	l.wg.Go(l.accept)
	upstreams.by[addr] = l
	return l, nil
}

// release drops a pair's hold; the last closes the listener, and every
// connection not yet matched, and waits for its goroutines.
func (l *upstreamListener) release() {
	upstreams.mu.Lock()
	l.refs--
	last := l.refs == 0
	if last {
		delete(upstreams.by, l.addr)
	}
	upstreams.mu.Unlock()
	if !last {
		return
	}
	l.ln.Close()
	l.mu.Lock()
	for c := range l.pending {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// accept hands every accepted connection to a token reader.
func (l *upstreamListener) accept() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.mu.Lock()
		l.pending[c] = true
		l.mu.Unlock()
		l.wg.Go(func() { l.match(c) })
	}
}

// match reads c's token and gives c to the pair waiting for it.
func (l *upstreamListener) match(c net.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), pair.Timeout)
	defer cancel()
	t, err := readToken(ctx, c)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.pending, c)
	ch, ok := l.waiting[t]
	if err != nil || !ok {
		if err == nil {
			err = errors.New("a token no pair is waiting for")
		}
		l.strays = append(l.strays, fmt.Sprintf("%s: %v", c.RemoteAddr(), err))
		c.Close()
		return
	}
	delete(l.waiting, t)
	ch <- c
}

// pair dials the proxy, writes a token and waits for the upstream
// connection that carries it.
func (l *upstreamListener) pair(ctx context.Context, dial string) (net.Conn, net.Conn, error) {
	t := newToken()
	ch := make(chan net.Conn, 1)
	l.mu.Lock()
	l.waiting[t] = ch
	l.mu.Unlock()
	a, err := (&net.Dialer{}).DialContext(ctx, "tcp", dial)
	if err == nil {
		err = writeToken(ctx, a, t)
	}
	if err == nil {
		select {
		case b := <-ch:
			return a, b, nil
		case <-ctx.Done():
			err = fmt.Errorf("the proxy opened no upstream connection carrying this pair's first bytes: %w%s", ctx.Err(), l.strayNote())
		}
	}
	l.mu.Lock()
	delete(l.waiting, t)
	l.mu.Unlock()
	select {
	case b := <-ch: // matched just now
		b.Close()
	default:
	}
	if a != nil {
		a.Close()
	}
	return nil, nil, err
}

// strayNote lists the connections that matched no pair, for an error.
func (l *upstreamListener) strayNote() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.strays) == 0 {
		return " (nothing else arrived upstream either)"
	}
	return fmt.Sprintf("; upstream connections that matched no pair: %v", l.strays)
}
