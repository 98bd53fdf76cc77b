package transports_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// A relay written in Go: a RelayFunc starts it for the upstream streamspec
// gives and returns where to dial it and a stop function that releases
// everything (listener, connections, goroutines). In a test:
// suites.Run(t, transports.Relay("copy-relay", copyRelay)). Each pair is
// a connection through a fresh relay: A dials the relay, B is the
// connection the relay opened upstream.
func ExampleRelay() {
	fmt.Println(exchangeOver(transports.Relay("copy-relay", copyRelay), "hello through the relay", false))
	// Output: hello through the relay
}

// exchangeOver opens a pair of tr, writes msg into A (into B, upstream,
// if fromB) and returns what the other end reads of it.
func exchangeOver(tr harness.Transport, msg string, fromB bool) string {
	a, b, stop, err := tr.Pair(context.Background())
	if err != nil {
		return err.Error()
	}
	defer stop()
	defer a.Close()
	defer b.Close()
	if fromB {
		a, b = b, a
	}
	return exchange(a, b, msg)
}

// exchange writes msg on a and returns what b reads of it.
func exchange(a, b net.Conn, msg string) string {
	go func() { _, _ = a.Write([]byte(msg)) }()
	got := make([]byte, len(msg))
	_ = b.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(b, got); err != nil {
		return err.Error()
	}
	return string(got)
}

// copyRelay relays one connection with io.Copy each way, passing each EOF
// on as CloseWrite.
func copyRelay(upstream string) (string, func(), error) {
	return relayOne(func(net.Conn) (net.Conn, error) { return net.Dial("tcp4", upstream) })
}

// relayOne accepts one connection, connects it upstream with connect and
// relays as copyRelay does; stop releases everything.
func relayOne(connect func(c net.Conn) (net.Conn, error)) (string, func(), error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		u, err := connect(c)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, u)
		mu.Unlock()
		pass := func(dst, src net.Conn) { _, _ = io.Copy(dst, src); _ = dst.(*net.TCPConn).CloseWrite() }
		wg.Go(func() { pass(u, c) })
		pass(c, u)
	})
	return ln.Addr().String(), func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}, nil
}

// A relay run as a command: streamspec fills in the placeholders for each
// pair, starts it, waits until it accepts and kills it afterwards.
func ExampleRelayCommand() {
	_ = transports.RelayCommand("socat-64k",
		"socat -b 65536 TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}")
}

// A proxy that is already running: streamspec listens on the address the
// proxy forwards to and dials the proxy for every pair. Here the proxy is
// copyRelay; with haproxy forwarding 127.0.0.1:8080 to 127.0.0.1:9090 it
// would be Through("my-haproxy", "127.0.0.1:8080", "127.0.0.1:9090").
// Without Go: streamspec through --dial 127.0.0.1:8080 --upstream
// 127.0.0.1:9090.
func ExampleThrough() {
	upstream, err := transports.FreeAddr()
	if err != nil {
		fmt.Println(err)
		return
	}
	proxy, stopProxy, err := copyRelay(upstream)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stopProxy()
	fmt.Println(exchangeOver(transports.Through("copy-relay", proxy, upstream), "hello from upstream", true))
	// Output: hello from upstream
}

// A relay configured by a file: the file is written for every pair with
// the placeholders replaced, and {file:NAME} is its path. {listen_fd}
// hands haproxy a socket streamspec already listens on.
func ExampleConfigFile() {
	const cfg = "defaults\n    mode tcp\n    timeout client 50s\n    timeout server 50s\n    timeout connect 5s\n" +
		"frontend fe\n    bind fd@{listen_fd}\n    default_backend be\nbackend be\n    server s1 {upstream}\n"
	_ = transports.RelayCommand("haproxy", "haproxy -db -f {file:haproxy.cfg}", transports.ConfigFile("haproxy.cfg", cfg))
}

// A proxy that must be told where to connect gets a dial step, run on the
// TCP connection streamspec dialled before the pair's bytes: HTTPConnect
// and SOCKS5 are built in, Handshake runs your own. Here the proxy is a
// tunnel that wants "HELLO <target>" and answers "OK". The handshake must
// read the reply to its last byte and no further, and must not wrap conn:
// the pair's A end is conn itself, so CloseWrite, CloseRead and the
// socket's descriptor stay the specs' to use.
func ExampleHandshake() {
	upstream, err := transports.FreeAddr()
	if err != nil {
		fmt.Println(err)
		return
	}
	tunnel, stopTunnel, err := helloTunnel()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stopTunnel()
	tr := transports.Through("hello-tunnel", tunnel, upstream,
		transports.Handshake("HELLO", func(ctx context.Context, conn *net.TCPConn, target string) error {
			if _, err := io.WriteString(conn, "HELLO "+target+"\n"); err != nil {
				return err
			}
			ok := make([]byte, 3)
			if _, err := io.ReadFull(conn, ok); err != nil || string(ok) != "OK\n" {
				return fmt.Errorf("the tunnel answered %q, %v", ok, err)
			}
			return nil
		}))
	fmt.Println(exchangeOver(tr, "hello through the tunnel", false))
	// Output: hello through the tunnel
}

// helloTunnel accepts one connection, reads "HELLO <target>\n", connects
// to target, answers "OK\n" and relays as copyRelay does.
func helloTunnel() (string, func(), error) {
	return relayOne(func(c net.Conn) (net.Conn, error) {
		var line []byte
		for b := make([]byte, 1); !strings.HasSuffix(string(line), "\n"); line = append(line, b[0]) {
			if _, err := c.Read(b); err != nil {
				return nil, err
			}
		}
		u, err := net.Dial("tcp4", strings.TrimSpace(strings.TrimPrefix(string(line), "HELLO ")))
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(c, "OK\n"); err != nil {
			u.Close()
			return nil, err
		}
		return u, nil
	})
}
