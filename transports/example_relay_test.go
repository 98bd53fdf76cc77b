package transports_test

import (
	"io"
	"net"
	"sync"

	"github.com/streamspec/streamspec/transports"
)

// A relay written in Go: a RelayFunc starts it for the upstream streamspec
// gives and returns where to dial it and a stop function that releases
// everything (listener, connections, goroutines). In a test:
// suites.Run(t, transports.Relay("copy-relay", copyRelay)). The self-test
// zoo (suites/internal/zoo/relays.go) runs this relay and broken ones.
func ExampleRelay() {
	_ = transports.Relay("copy-relay", copyRelay)
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
