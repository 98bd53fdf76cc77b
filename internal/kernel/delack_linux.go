package kernel

import (
	"errors"
	"net"
	"os"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/rawconn"
	"golang.org/x/sys/unix"
)

// DelayAcks puts the TCP socket under c (c itself, or the connection
// under a TLS layer) in delayed-ACK mode for what it receives next:
// TCP_QUICKACK 0 enters "pingpong" mode (man 7 tcp; net/ipv4/tcp.c
// do_tcp_setsockopt), the mode Linux keeps an interactive connection in
// once replies follow requests. Whether Linux is in it otherwise depends
// on how soon the application replied last time, which a busy machine
// decides. The mode lasts until a delayed ACK is sent. errors.ErrUnsupported
// when there is no TCP socket to reach.
func DelayAcks(c net.Conn) error {
	for x := c; x != nil; x = under(x) {
		r, _ := rawconn.RawConns(x)
		if r == nil {
			continue
		}
		var serr error
		err := r.Control(func(fd uintptr) {
			if fdKind(int(fd)) != harness.KindTCP {
				serr = errors.ErrUnsupported
				return
			}
			serr = os.NewSyscallError("setsockopt TCP_QUICKACK", unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_QUICKACK, 0))
		})
		return errors.Join(err, serr)
	}
	return errors.ErrUnsupported
}
