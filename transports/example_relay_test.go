package transports_test

import (
	"context"
	"fmt"
	"io"
	"net"
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
	tr := transports.Relay("copy-relay", copyRelay)
	fmt.Println(throughPair(tr, "hello through the relay", false))
	// Output: hello through the relay
}

// throughPair opens a pair of tr, writes msg on one end (B with
// upstream) and returns what the other reads of it.
func throughPair(tr harness.Transport, msg string, upstream bool) string {
	a, b, stop, err := tr.Pair(context.Background())
	if err != nil {
		return err.Error()
	}
	defer stop()
	defer a.Close()
	defer b.Close()
	if upstream {
		a, b = b, a
	}
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
		u, err := net.Dial("tcp4", upstream)
		if err != nil {
			c.Close()
			return
		}
		mu.Lock()
		conns = append(conns, c, u)
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
	tr := transports.Through("copy-relay", proxy, upstream)
	fmt.Println(throughPair(tr, "hello from upstream", true))
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
