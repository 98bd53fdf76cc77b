package kernel

import (
	"errors"
	"net"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/rawconn"
)

// ErrNoSocketOption says an endpoint offers no way to set a socket option.
var ErrNoSocketOption = errors.New("no socket option reachable")

// NoDelayer is an endpoint whose Nagle algorithm can be switched.
type NoDelayer interface{ SetNoDelay(noDelay bool) error }

// FindNoDelay returns what switches Nagle for c: c itself, or the
// connection under a wrapper that exposes it with NetConn (crypto/tls).
func FindNoDelay(c net.Conn) (NoDelayer, bool) {
	for ; c != nil; c = under(c) {
		if nd, ok := c.(NoDelayer); ok {
			return nd, true
		}
	}
	return nil, false
}

// AbortOnClose makes c's next Close abortive (SO_LINGER {on, 0}): through
// SetLinger(0) on c or the connection under it, else setsockopt on its
// socket descriptor. It returns how it did it, or ErrNoSocketOption.
func AbortOnClose(c net.Conn) (string, error) {
	for x := c; x != nil; x = under(x) {
		if l, ok := x.(interface{ SetLinger(sec int) error }); ok {
			return "SetLinger(0)", l.SetLinger(0)
		}
	}
	return "setsockopt SO_LINGER", lingerZero(c)
}

func under(c net.Conn) net.Conn {
	if u, ok := c.(interface{ NetConn() net.Conn }); ok {
		return u.NetConn()
	}
	return nil
}

// Recovering says, with the kernel's word, whether the TCP socket under c
// (c itself, or the connection under a wrapper such as crypto/tls) is
// still working on bytes it sent after a loss: a transfer over it that has
// not moved for a while is slow, not hung. false where there is no TCP
// socket to read, or the platform cannot say.
func Recovering(c net.Conn) (string, bool) {
	for x := c; x != nil; x = under(x) {
		r, _ := rawconn.RawConns(x)
		if r == nil {
			continue
		}
		var how string
		var ok bool
		if err := r.Control(func(fd uintptr) {
			if fdKind(int(fd)) == harness.KindTCP {
				how, ok = recovering(int(fd))
			}
		}); err != nil {
			return "", false
		}
		return how, ok
	}
	return "", false
}
