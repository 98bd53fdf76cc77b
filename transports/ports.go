package transports

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"syscall"
)

// handedOut holds the ports this process gave to relays that are still
// running, so two relays starting at once never get the same one.
var handedOut sync.Map // port string: struct{}

// reservePort picks a port with pick that no running relay of this
// process was given; release returns it.
func reservePort(pick func() (string, error)) (port string, release func(), err error) {
	for range 64 {
		if port, err = pick(); err != nil {
			return "", nil, err
		}
		if _, taken := handedOut.LoadOrStore(port, struct{}{}); !taken {
			return port, func() { handedOut.Delete(port) }, nil
		}
	}
	return "", nil, errors.New("no free port that this process's running relays do not have")
}

// unallocatedPort returns a loopback port that is free now and lies
// outside the OS's ephemeral range: the kernel never hands it to another
// process's bind(0) or connect, so between this check and the relay's
// bind only a process that names this port can take it (RelayCommand
// then retries on fresh ports). It checks with SO_REUSEADDR off, so a
// port still held by TIME_WAIT is not chosen either. Where the ephemeral
// range leaves no room, it falls back to a port the kernel picks.
func unallocatedPort() (string, error) {
	lo, hi := ephemeralRange()
	var candidates [][2]int // ranges of ports outside [lo, hi], from 10000 up
	if lo > 10000 {
		candidates = append(candidates, [2]int{10000, lo - 1})
	}
	if hi < 65535 {
		candidates = append(candidates, [2]int{hi + 1, 65535})
	}
	total := 0
	for _, c := range candidates {
		total += c[1] - c[0] + 1
	}
	for range min(64, total) {
		n := rand.IntN(total)
		for _, c := range candidates {
			if size := c[1] - c[0] + 1; n >= size {
				n -= size
				continue
			}
			if ok := portFree(c[0] + n); ok {
				return strconv.Itoa(c[0] + n), nil
			}
			break
		}
	}
	return ephemeralPort()
}

// portFree reports whether 127.0.0.1:port can be bound without
// SO_REUSEADDR.
func portFree(port int) bool {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		_ = c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 0) })
		return err
	}}
	ln, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// ephemeralPort returns a port the kernel picked for bind(0), freed: the
// next bind(0) or connect anywhere on the machine may be given it.
func ephemeralPort() (string, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port, nil
}

// FreeAddr returns a loopback address (127.0.0.1) free now whose port lies
// outside the OS's ephemeral range, for a proxy's upstream under Through
// when the caller starts the proxy itself: unlike a port freed after
// bind(0), no other process's bind(0) or connect is handed it before
// Through listens there.
func FreeAddr() (string, error) {
	port, err := unallocatedPort()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}
