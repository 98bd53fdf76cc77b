package transports

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/pair"
)

// Through pairs each dialled connection with the upstream connection
// that carries its bytes, whatever order a proxy connects upstream in,
// and ignores connections a proxy makes of its own: here a Go proxy
// connects upstream after a random delay of up to 50 ms per client, each
// time after a health check connection of its own.
func TestThroughPairsOutOfOrder(t *testing.T) {
	upstream := freeAddr(t)
	proxy := shuffleProxy(t, upstream, "", true)
	tr := Through("shuffle", proxy, upstream)
	const n = 6
	pairs := make([]*pair.Pair, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { pairs[i], errs[i] = pair.Open(t.Context(), tr) })
	}
	wg.Wait()
	for i, p := range pairs {
		if errs[i] != nil {
			t.Fatalf("pair %d: %v", i, errs[i])
		}
		defer p.Close()
	}
	for i, p := range pairs {
		msg := fmt.Sprintf("pair %d", i)
		if _, err := p.A.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		_ = p.B.SetReadDeadline(time.Now().Add(pair.Timeout))
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(p.B, got); err != nil || string(got) != msg {
			t.Errorf("pair %d: B read %q, %v; want %q", i, got, err, msg)
		}
	}
}

// Through says what a proxy sent upstream instead of the pair's bytes.
func TestThroughReportsHeader(t *testing.T) {
	upstream := freeAddr(t)
	proxy := shuffleProxy(t, upstream, "PROXY TCP4 127.0.0.1 127.0.0.1 1 2\r\n", false)
	err := pairErr(t, Through("header", proxy, upstream), pair.Timeout)
	expectIn(t, err, "no connection carrying them arrived at "+upstream, "what arrived at "+upstream+" matched no pair", `"PROXY TCP4`, "header of its own")
}

// A proxy that forwards somewhere else: pair.Open reports Through's own
// diagnosis, naming both addresses, when Pair's context ends, not a hang.
func TestThroughWrongUpstream(t *testing.T) {
	sink := stubProxy(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) }) // a live server, not streamspec's
	proxy := shuffleProxy(t, sink, "", false)
	upstream := freeAddr(t)
	start := time.Now()
	_, err := pair.Open(t.Context(), Through("elsewhere", proxy, upstream))
	if err == nil {
		t.Fatal("a pair opened")
	}
	expectIn(t, err, "through "+proxy+" to "+upstream, "no connection carrying them arrived at "+upstream+" within 2s",
		"nothing else arrived at "+upstream+" either: does the proxy forward there?")
	if strings.Contains(err.Error(), "hung") {
		t.Errorf("Through's diagnosis lost to the pair bound: %v", err)
	}
	if d := time.Since(start); d > pair.Timeout+pair.Grace {
		t.Errorf("took %v", d)
	}
}

// A proxy that closes the client's connection, as one whose upstream
// refuses does, or that writes to it before any upstream connection, fails
// the pair at once, saying so.
func TestThroughProxyEndsEarly(t *testing.T) {
	for name, c := range map[string]struct {
		serve func(net.Conn)
		says  string
	}{
		"closes":  {func(c net.Conn) { c.Close() }, "the proxy closed the connection (EOF)"},
		"resets":  {func(c net.Conn) { _ = c.(*net.TCPConn).SetLinger(0); c.Close() }, "the proxy reset the connection"},
		"answers": {func(c net.Conn) { _, _ = io.WriteString(c, "HTTP/1.0 400 Bad Request\r\n\r\n") }, `sent 28 bytes of its own to the client, "HTTP/1.0 400`},
	} {
		t.Run(name, func(t *testing.T) {
			proxy := stubProxy(t, func(conn net.Conn) {
				_, _ = conn.Read(make([]byte, tokenSize)) // the token: the pair is waiting for its upstream end
				c.serve(conn)
				_, _ = io.Copy(io.Discard, conn) // until the client gives up
			})
			upstream := freeAddr(t)
			start := time.Now()
			err := pairErr(t, Through(name, proxy, upstream), pair.Timeout)
			expectIn(t, err, c.says, "no upstream connection carrying the pair's first bytes had arrived at "+upstream)
			if d := time.Since(start); d > pair.Timeout/2 {
				t.Errorf("took %v: the proxy's doing was not noticed", d)
			}
		})
	}
}

// Through on an upstream address in use says so.
func TestThroughUpstreamInUse(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = pairErr(t, Through("busy", "127.0.0.1:1", ln.Addr().String()), pair.Timeout)
	expectIn(t, err, "listening on the upstream address", "ginkgo -p")
}

// freeAddr returns a loopback address nothing listens on, outside the
// ephemeral range: a port freed after bind(0) was taken by another test
// process's connection before Through listened there ("bind: address
// already in use", 1 run in 8 of make test's race step).
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// shuffleProxy is a running proxy to upstream that connects upstream
// after a random delay per client, writing header first, and before that
// makes a health check connection if asked; it stops with the test.
func shuffleProxy(t *testing.T, upstream, header string, healthCheck bool) string {
	return stubProxy(t, func(c net.Conn) {
		time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond) // the proxy's own pace
		if healthCheck {
			if h, err := net.Dial("tcp4", upstream); err == nil {
				_, _ = io.WriteString(h, "GET /health HTTP/1.0\r\n\r\n")
				h.Close()
			}
		}
		u, err := net.Dial("tcp4", upstream)
		if err != nil {
			c.Close()
			return
		}
		defer u.Close()
		_, _ = io.WriteString(u, header)
		var toUpstream sync.WaitGroup
		toUpstream.Go(func() { _, _ = io.Copy(u, c); u.Close() }) // ends when the test closes c
		_, _ = io.Copy(c, u)
		toUpstream.Wait()
	})
}
