package transports

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

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
// mismatch a pooling proxy silently. A proxy that closes the dialled
// connection before any upstream connection carries its bytes, or sends
// bytes of its own to the client, fails the pair at once.
//
// Its options: HTTPConnect, SOCKS5 or Handshake for a proxy that must be
// told where to connect (the request names upstream), and ProxyKind to
// say which proxy this is, so that failures name its setting that governs
// them. ConfigFile is RelayCommand's alone.
//
// The upstream address must be free for streamspec to listen on, once
// per process: run Through in one process (go test, or the streamspec
// command), not under ginkgo -p.
func Through(name, dial, upstream string, options ...RelayOption) harness.Transport {
	cfg := relayConfig{files: map[string]string{}}
	for _, o := range options {
		o(&cfg)
	}
	notes := "through " + dial + " to " + upstream
	if cfg.handshake != nil {
		notes = "through " + dial + " (" + cfg.handshakeName + ") to " + upstream
	}
	return harness.New(name, harness.Traits{Kind: harness.KindRelay, Notes: notes, Proxy: cfg.proxy},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			if len(cfg.files) > 0 {
				return nil, nil, nil, errors.New("through: ConfigFile is an option of RelayCommand, which starts the relay; Through dials one already running")
			}
			l, err := acquireUpstream(ctx, upstream)
			if err != nil {
				return nil, nil, nil, err
			}
			a, b, err := l.pair(ctx, dial, cfg.handshake)
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

// pair dials the proxy, runs the handshake if there is one, writes a
// token and waits for the upstream connection that carries it, watching
// the dialled connection meanwhile: a proxy that closes it, or writes to
// it, before the pair is matched fails the pair at once.
func (l *upstreamListener) pair(ctx context.Context, dial string, handshake HandshakeFunc) (net.Conn, net.Conn, error) {
	t := newToken()
	ch := make(chan net.Conn, 1)
	l.mu.Lock()
	l.waiting[t] = ch
	l.mu.Unlock()
	start := time.Now()
	var a net.Conn
	var b net.Conn
	err := func() error {
		var err error
		if a, err = (&net.Dialer{}).DialContext(ctx, "tcp", dial); err != nil {
			return err
		}
		if handshake != nil {
			if err := handshake(ctx, a.(*net.TCPConn), l.addr); err != nil {
				return err
			}
		}
		if err := writeToken(ctx, a, t); err != nil {
			return fmt.Errorf("writing the pair's first bytes into the proxy: %w", err)
		}
		watch := watchClient(a)
		select {
		case b = <-ch:
			return watch.stop()
		case r := <-watch.ended:
			return fmt.Errorf("%s %v after it accepted the connection, and no upstream connection carrying the pair's first bytes had arrived at %s%s",
				r, time.Since(start).Round(time.Millisecond), l.addr, l.strayNote())
		case <-ctx.Done():
			_ = watch.stop()
			return fmt.Errorf("the proxy accepted the connection and was sent the pair's first bytes, but no connection carrying them arrived at %s within %v%s",
				l.addr, time.Since(start).Round(100*time.Millisecond), l.strayNote())
		}
	}()
	if err == nil {
		return a, b, nil
	}
	l.mu.Lock()
	delete(l.waiting, t)
	l.mu.Unlock()
	select {
	case b := <-ch: // matched just now
		b.Close()
	default:
	}
	if b != nil {
		b.Close()
	}
	if a != nil {
		a.Close()
	}
	return nil, nil, err
}

// clientWatch is a Read pending on the dialled connection while the pair
// waits for its upstream end: nothing may arrive there until the specs
// run, so whatever the Read returns is the proxy's doing.
type clientWatch struct {
	conn  net.Conn
	ended chan string // what the proxy did
	done  chan struct{}
}

func watchClient(c net.Conn) *clientWatch {
	w := &clientWatch{conn: c, ended: make(chan string, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		buf := make([]byte, 256)
		n, err := c.Read(buf)
		switch {
		case n > 0:
			w.ended <- fmt.Sprintf("the proxy sent %d bytes of its own to the client, %q,", n, buf[:n])
		case errors.Is(err, os.ErrDeadlineExceeded):
			// stopped: the pair was matched
		case errors.Is(err, syscall.ECONNRESET):
			w.ended <- "the proxy reset the connection"
		default:
			w.ended <- fmt.Sprintf("the proxy closed the connection (%v)", err)
		}
	}()
	return w
}

// stop ends the pending Read and reports what it got if it returned by
// itself first; the connection is left as it was, its deadline cleared.
func (w *clientWatch) stop() error {
	_ = w.conn.SetReadDeadline(time.Unix(1, 0))
	<-w.done
	_ = w.conn.SetReadDeadline(time.Time{})
	select {
	case r := <-w.ended:
		return errors.New(r + " as the pair was matched")
	default:
		return nil
	}
}

// strayNote lists the connections that matched no pair, for an error.
func (l *upstreamListener) strayNote() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.strays) == 0 {
		return fmt.Sprintf("; nothing else arrived at %s either: does the proxy forward there?", l.addr)
	}
	return fmt.Sprintf("; what arrived at %s matched no pair: %v", l.addr, l.strays)
}
