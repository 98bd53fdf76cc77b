//go:build linux || darwin

package harness

import (
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// Unread returns the bytes waiting in the kernel to be read from c, or
// ErrNoSocketOption when c has no readable descriptor. Specs use it to
// know that data has arrived without reading it.
func Unread(c net.Conn) (int, error) {
	r, _ := RawConns(c)
	if r == nil {
		return 0, ErrNoSocketOption
	}
	var n int
	var ierr error
	if err := r.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), fionread) }); err != nil {
		return 0, err
	}
	return n, os.NewSyscallError("ioctl FIONREAD", ierr)
}
