package transports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/pair"
)

// stubProxy accepts connections and serves each with serve in a goroutine
// of its own, until the test ends.
func stubProxy(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { serve(c) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// tunnel connects c to target after reply, which it writes together with
// the target's first bytes when it has them at once: a client that reads
// the reply through a buffer would swallow them.
func tunnel(c net.Conn, target string, reply []byte) {
	u, err := net.Dial("tcp4", target)
	if err != nil {
		c.Close()
		return
	}
	defer u.Close()
	early := make([]byte, 64)
	_ = u.SetReadDeadline(time.Now().Add(50 * time.Millisecond)) // what the target says first, if anything
	n, _ := u.Read(early)
	_ = u.SetReadDeadline(time.Time{})
	if _, err := c.Write(append(reply, early[:n]...)); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(u, c)
		_ = u.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	_, _ = io.Copy(c, u)
	_ = c.(*net.TCPConn).CloseWrite()
	<-done
}

// connectStub is an HTTP CONNECT proxy that wants user:password, if set,
// and answers status otherwise (empty: 200 and the tunnel).
func connectStub(t *testing.T, user, password, status string) string {
	return stubProxy(t, func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		target := strings.Fields(line)[1]
		auth := ""
		for {
			h, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if h == "\r\n" {
				break
			}
			if k, v, _ := strings.Cut(h, ":"); strings.EqualFold(k, "Proxy-Authorization") {
				auth = strings.TrimSpace(v)
			}
		}
		switch {
		case user != "" && auth != "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)):
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"stub\"\r\n\r\n")
		case status != "":
			_, _ = io.WriteString(c, "HTTP/1.1 "+status+"\r\nContent-Length: 0\r\n\r\n")
		default:
			tunnel(c, target, []byte("HTTP/1.1 200 Connection established\r\nProxy-agent: stub\r\n\r\n"))
		}
	})
}

// socksStub is a SOCKS5 proxy that wants user:password, if set, answers
// rep (0: success, with a domain-name bound address) and checks that the
// request names target exactly.
func socksStub(t *testing.T, user, password string, rep byte) string {
	return stubProxy(t, func(c net.Conn) {
		defer c.Close()
		hdr := make([]byte, 2)
		if _, err := io.ReadFull(c, hdr); err != nil {
			return
		}
		methods := make([]byte, hdr[1])
		if _, err := io.ReadFull(c, methods); err != nil {
			return
		}
		want := byte(socksNoAuth)
		if user != "" {
			want = socksUserPass
		}
		if !bytes.Contains(methods, []byte{want}) {
			_, _ = c.Write([]byte{5, socksNoMethods})
			return
		}
		_, _ = c.Write([]byte{5, want})
		if want == socksUserPass {
			b := make([]byte, 2)
			_, _ = io.ReadFull(c, b)
			u := make([]byte, b[1])
			_, _ = io.ReadFull(c, u)
			_, _ = io.ReadFull(c, b[:1])
			p := make([]byte, b[0])
			_, _ = io.ReadFull(c, p)
			if string(u) != user || string(p) != password {
				_, _ = c.Write([]byte{1, 1})
				return
			}
			_, _ = c.Write([]byte{1, 0})
		}
		req := make([]byte, 4+4+2)
		if _, err := io.ReadFull(c, req); err != nil || req[1] != socksConnect || req[3] != socksIPv4 {
			return
		}
		target := net.JoinHostPort(net.IP(req[4:8]).String(), strconv.Itoa(int(binary.BigEndian.Uint16(req[8:]))))
		reply := append([]byte{5, rep, 0, socksDomain, byte(len("bound.example"))}, "bound.example"...)
		reply = binary.BigEndian.AppendUint16(reply, 1080)
		if rep != 0 {
			_, _ = c.Write(reply)
			return
		}
		tunnel(c, target, reply)
	})
}

// A target that speaks first: its greeting reaches the client in the same
// segment as the proxy's reply, and the handshake leaves it in the socket.
func greeter(t *testing.T) string {
	return stubProxy(t, func(c net.Conn) {
		defer c.Close()
		_, _ = io.WriteString(c, "hello from the target")
		_, _ = io.Copy(io.Discard, c)
	})
}

// dialHandshake dials proxy and runs h for target, within a second.
func dialHandshake(t *testing.T, proxy, target string, h RelayOption) (*net.TCPConn, error) {
	t.Helper()
	var cfg relayConfig
	h(&cfg)
	c, err := net.Dial("tcp4", proxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	return c.(*net.TCPConn), cfg.handshake(ctx, c.(*net.TCPConn), target)
}

// Both handshakes read the proxy's reply to its last byte and no further:
// bytes the proxy sends right behind it are the tunnel's, and the client
// reads them from the same socket, which keeps its deadlines cleared.
func TestHandshakesLeaveTunnelBytes(t *testing.T) {
	target := greeter(t)
	for name, c := range map[string]struct {
		proxy string
		h     RelayOption
	}{
		"connect":      {connectStub(t, "", "", ""), HTTPConnect("", "")},
		"connect-auth": {connectStub(t, "user", "pw", ""), HTTPConnect("user", "pw")},
		"socks5":       {socksStub(t, "", "", 0), SOCKS5("", "")},
		"socks5-auth":  {socksStub(t, "user", "pw", 0), SOCKS5("user", "pw")},
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := dialHandshake(t, c.proxy, target, c.h)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len("hello from the target"))
			_ = conn.SetReadDeadline(time.Now().Add(time.Second))
			if _, err := io.ReadFull(conn, got); err != nil || string(got) != "hello from the target" {
				t.Errorf("after the handshake the client read %q, %v; want the target's greeting", got, err)
			}
			_ = conn.SetReadDeadline(time.Time{})
			if err := conn.CloseWrite(); err != nil {
				t.Errorf("CloseWrite on the tunnel: %v", err)
			}
		})
	}
}

// A refusal says what the proxy answered, and, for credentials, what to do.
func TestHandshakeRefusals(t *testing.T) {
	target := greeter(t)
	for name, c := range map[string]struct {
		proxy string
		h     RelayOption
		says  []string
	}{
		"connect-no-credentials": {connectStub(t, "user", "pw", ""), HTTPConnect("", ""), []string{"407 Proxy Authentication Required", "it wants credentials", `Basic realm="stub"`}},
		"connect-wrong-password": {connectStub(t, "user", "pw", ""), HTTPConnect("user", "nope"), []string{"407", `refused user "user"`}},
		"connect-forbidden":      {connectStub(t, "", "", "403 Forbidden"), HTTPConnect("", ""), []string{`answered "HTTP/1.1 403 Forbidden"`}},
		"socks5-no-credentials":  {socksStub(t, "user", "pw", 0), SOCKS5("", ""), []string{"none of the methods offered", "wants credentials"}},
		"socks5-wrong-password":  {socksStub(t, "user", "pw", 0), SOCKS5("user", "nope"), []string{`refused user "user"`}},
		"socks5-refused":         {socksStub(t, "", "", 5), SOCKS5("", ""), []string{"replied 5: connection refused"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := dialHandshake(t, c.proxy, target, c.h)
			if err == nil {
				t.Fatal("the handshake succeeded")
			}
			expectIn(t, err, c.says...)
		})
	}
}

// Through dials the proxy, runs the handshake naming upstream, and pairs
// A with the upstream connection: a *net.TCPConn whose CloseWrite reaches
// B as EOF while B can still reply.
func TestThroughHandshake(t *testing.T) {
	for name, h := range map[string]RelayOption{"connect": HTTPConnect("u", "p"), "socks5": SOCKS5("u", "p")} {
		t.Run(name, func(t *testing.T) {
			proxy := connectStub(t, "u", "p", "")
			if name == "socks5" {
				proxy = socksStub(t, "u", "p", 0)
			}
			p, err := pair.Open(t.Context(), Through(name, proxy, freeAddr(t), h))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, ok := p.A.(*net.TCPConn); !ok {
				t.Fatalf("A is %T, not *net.TCPConn", p.A)
			}
			_, _ = p.A.Write([]byte("request"))
			_ = p.A.(*net.TCPConn).CloseWrite()
			_ = p.B.SetReadDeadline(time.Now().Add(pair.Timeout))
			if got, err := io.ReadAll(p.B); err != nil || string(got) != "request" {
				t.Fatalf("B read %q, %v; want the request, then EOF", got, err)
			}
			_, _ = p.B.Write([]byte("reply"))
			_ = p.B.(*net.TCPConn).CloseWrite()
			_ = p.A.SetReadDeadline(time.Now().Add(pair.Timeout))
			if got, err := io.ReadAll(p.A); err != nil || string(got) != "reply" {
				t.Errorf("A read %q, %v after its half-close; want the reply, then EOF", got, err)
			}
		})
	}
}
