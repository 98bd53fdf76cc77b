//go:build unix

package kernel

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/streamspec/streamspec/internal/rawconn"
	"golang.org/x/sys/unix"
)

// DupWriter returns a new *os.File on a duplicate of c's writing
// descriptor. Two of them are two writers the kernel sees separately: Go
// serialises Writes on one file behind its own lock, not across files.
// The duplicate shares O_NONBLOCK, so the runtime poller serves it.
func DupWriter(c net.Conn) (*os.File, error) {
	_, w := rawconn.RawConns(c)
	if w == nil {
		return nil, fmt.Errorf("no writing descriptor: %w", ErrNoSocketOption)
	}
	nfd := -1
	var derr error
	if err := w.Control(func(fd uintptr) { nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, os.NewSyscallError("fcntl F_DUPFD_CLOEXEC", derr)
	}
	return os.NewFile(uintptr(nfd), "dup"), nil
}

// lingerZero sets SO_LINGER {on, 0} on c's socket descriptor.
func lingerZero(c net.Conn) error {
	_, w := rawconn.RawConns(c)
	if w == nil {
		return ErrNoSocketOption
	}
	var serr error
	if err := w.Control(func(fd uintptr) {
		if _, err := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TYPE); err != nil {
			serr = fmt.Errorf("%w: not a socket: %v", ErrNoSocketOption, err)
			return
		}
		serr = os.NewSyscallError("setsockopt SO_LINGER",
			unix.SetsockoptLinger(int(fd), unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}))
	}); err != nil {
		return err
	}
	return serr
}

// Refused reports whether err is a socket option the socket's protocol
// does not offer (ENOPROTOOPT, EOPNOTSUPP: Linux MPTCP refuses
// TCP_QUICKACK, net/mptcp/sockopt.c mptcp_setsockopt), and names the errno.
func Refused(err error) (errno string, ok bool) {
	var e unix.Errno
	if !errors.As(err, &e) || (e != unix.ENOPROTOOPT && e != unix.EOPNOTSUPP) {
		return "", false
	}
	return unix.ErrnoName(e), true
}
