package transports

import (
	"context"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/streamspec/streamspec/harness"
)

// Socketpair is a Unix domain stream socket pair from socketpair(2): no
// listener, no file.
func Socketpair() harness.Transport {
	return harness.New("unix-socketpair", harness.Traits{Kind: harness.KindUnix, Notes: "socketpair(2)"},
		func(context.Context) (net.Conn, net.Conn, func(), error) {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
			if err != nil {
				return nil, nil, nil, os.NewSyscallError("socketpair", err)
			}
			a, err := fileConn(fds[0], "a")
			if err != nil {
				unix.Close(fds[1])
				return nil, nil, nil, err
			}
			b, err := fileConn(fds[1], "b")
			if err != nil {
				a.Close()
				return nil, nil, nil, err
			}
			return a, b, nil, nil
		})
}

// fileConn wraps fd in a net.Conn. net.FileConn duplicates the descriptor,
// so the original is closed here, or the peer would never see a close.
func fileConn(fd int, name string) (net.Conn, error) {
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	return net.FileConn(f)
}
