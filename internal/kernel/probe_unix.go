//go:build linux || darwin

package kernel

import (
	"errors"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
	"golang.org/x/sys/unix"
)

// fdKind finds what a descriptor is: a pipe, a TCP socket or a Unix
// stream socket; "" for anything else.
func fdKind(fd int) harness.Kind {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) == nil && uint32(st.Mode)&unix.S_IFMT == unix.S_IFIFO {
		return harness.KindPipe
	}
	if typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil || typ != unix.SOCK_STREAM {
		return ""
	}
	sa, _ := unix.Getsockname(fd)
	switch sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		return harness.KindTCP
	case *unix.SockaddrUnix:
		return harness.KindUnix
	}
	return ""
}

// sockBufs reads SO_SNDBUF of the sending socket and SO_RCVBUF of the
// receiving one; -1 where getsockopt fails.
func sockBufs(wfd, rfd int) (snd, rcv int64) {
	get := func(fd, opt int) int64 {
		v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, opt)
		if err != nil {
			return -1
		}
		return int64(v)
	}
	return get(wfd, unix.SO_SNDBUF), get(rfd, unix.SO_RCVBUF)
}

// nonblocking reports whether rc's descriptor is in non-blocking mode, so
// that a write(2) inside Control cannot block the measuring goroutine.
func Nonblocking(rc syscall.RawConn) bool {
	nb := false
	_ = rc.Control(func(fd uintptr) {
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		nb = err == nil && fl&unix.O_NONBLOCK != 0
	})
	return nb
}

// writeNB writes p with write(2) on rc's non-blocking descriptor until
// it is written or the kernel says EAGAIN, which is returned as
// syscall.EAGAIN with the count written before it.
func WriteNB(rc syscall.RawConn, p []byte) (n int, err error) {
	cerr := rc.Control(func(fd uintptr) {
		for n < len(p) {
			m, e := unix.Write(int(fd), p[n:])
			if m > 0 {
				n += m
			}
			switch {
			case e == unix.EINTR:
			case e != nil:
				err = e
				return
			case m <= 0:
				err = errors.New("write(2) returned 0 and no error")
				return
			}
		}
	})
	return n, errors.Join(cerr, err)
}

// isAgain reports whether err is the kernel's "would block".
func IsAgain(err error) bool { return errors.Is(err, unix.EAGAIN) }

// waitReadable polls rc's descriptor for POLLIN for at most d; an error or
// hang-up counts as readable (a Read returns it at once).
func waitReadable(rc syscall.RawConn, d time.Duration) (bool, error) {
	revents, err := pollOne(rc, unix.POLLIN, d)
	return revents&(unix.POLLIN|unix.POLLHUP|unix.POLLERR) != 0, err
}

// waitWritable polls rc's descriptor for POLLOUT for at most d: the same
// readiness that wakes a Write parked in Go's poller. It returns early
// when the descriptor becomes writable, and an error on POLLERR/POLLHUP.
func WaitWritable(rc syscall.RawConn, d time.Duration) (bool, error) {
	revents, err := pollOne(rc, unix.POLLOUT, d)
	if err == nil && revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 {
		err = errors.New("poll: writer's descriptor reports error or hang-up (peer gone?)")
	}
	return revents&unix.POLLOUT != 0, err
}

// pollOne polls rc's descriptor for events for at most d (at least 1 ms
// when d > 0) and returns what poll(2) reported.
func pollOne(rc syscall.RawConn, events int16, d time.Duration) (int16, error) {
	ms := int(d.Milliseconds())
	if d > 0 && ms == 0 {
		ms = 1
	}
	var revents int16
	var perr error
	cerr := rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: events}}
		for {
			_, err := unix.Poll(fds, ms)
			if err == unix.EINTR {
				continue
			}
			perr = err
			break
		}
		revents = fds[0].Revents
	})
	return revents, errors.Join(cerr, perr)
}
