package proof_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/transports"
)

// impostors maps an observed behaviour to a transport that claims a
// built-in's name and kind but is broken in what that behaviour checks.
func impostors() map[string]harness.Transport {
	tcp, sp := transports.TCP4(), transports.Socketpair()
	return map[string]harness.Transport{
		"nagle-delayed-ack":      impostor(tcp, "tcp4", harness.KindTCP, func(c net.Conn) net.Conn { return ignoreNoDelay{c.(*net.TCPConn)} }),
		"close-with-unread-data": impostor(tcp, "tcp4", harness.KindTCP, func(c net.Conn) net.Conn { return drainOnClose{c.(*net.TCPConn)} }),
		"abortive-close":         impostor(tcp, "tcp4", harness.KindTCP, func(c net.Conn) net.Conn { return ignoreLinger{c.(*net.TCPConn)} }),
		"abortive-close-by-a":    impostor(tcp, "tcp4", harness.KindTCP, func(c net.Conn) net.Conn { return ignoreLinger{c.(*net.TCPConn)} }),
		"lifetimes":              impostor(tcp, "tcp4", harness.KindTCP, func(c net.Conn) net.Conn { return resetAfterHalfClose{c.(*net.TCPConn)} }),
		"close-read":             impostor(sp, "unix-socketpair", harness.KindUnix, func(c net.Conn) net.Conn { return noCloseRead{c.(*net.UnixConn)} }),
		"coalescing-splitting":   impostor(sp, "unix-socketpair", harness.KindUnix, func(c net.Conn) net.Conn { return shortReads{c.(*net.UnixConn), 100} }),
		"closed-peer-errors":     impostor(sp, "unix-socketpair", harness.KindUnix, func(c net.Conn) net.Conn { return swallowWriteErrors{c.(*net.UnixConn)} }),
		"write-timeout-usable":   impostor(tcp, "tcp4", harness.KindTCP, func(c net.Conn) net.Conn { return &stickyWriteError{TCPConn: c.(*net.TCPConn)} }),
		"pipe-buf-atomicity":     harness.New("os-pipe", harness.Traits{Kind: harness.KindPipe}, mergedPipes),
	}
}

func impostor(base harness.Transport, name string, kind harness.Kind, wrap func(net.Conn) net.Conn) harness.Transport {
	return harness.New(name, harness.Traits{Kind: kind}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := base.Pair(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		return wrap(a), wrap(b), stop, nil
	})
}

// ignoreNoDelay keeps TCP_NODELAY on whatever SetNoDelay is told.
type ignoreNoDelay struct{ *net.TCPConn }

func (ignoreNoDelay) SetNoDelay(bool) error { return nil }

// drainOnClose reads what is queued before closing, so TCP sends FIN, not RST.
type drainOnClose struct{ *net.TCPConn }

func (c drainOnClose) Close() error {
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	for buf := make([]byte, 4096); ; {
		if _, err := c.TCPConn.Read(buf); err != nil {
			return c.TCPConn.Close()
		}
	}
}

// ignoreLinger accepts SetLinger and does nothing.
type ignoreLinger struct{ *net.TCPConn }

func (ignoreLinger) SetLinger(int) error { return nil }

// resetAfterHalfClose resets the connection 200 ms after CloseWrite, as a
// relay's FIN timeout would.
type resetAfterHalfClose struct{ *net.TCPConn }

func (c resetAfterHalfClose) CloseWrite() error {
	time.AfterFunc(200*time.Millisecond, func() { _ = c.SetLinger(0); _ = c.TCPConn.Close() })
	return c.TCPConn.CloseWrite()
}

// noCloseRead accepts CloseRead and does nothing.
type noCloseRead struct{ *net.UnixConn }

func (noCloseRead) CloseRead() error { return nil }

// shortReads never returns more than max bytes from a Read.
type shortReads struct {
	*net.UnixConn
	max int
}

func (c shortReads) Read(p []byte) (int, error) { return c.UnixConn.Read(p[:min(len(p), c.max)]) }

// mergedPipes is an os-pipe impostor whose A hands each duplicate of its
// writing descriptor a different pipe; a goroutine merges the two pipes
// into B half a PIPE_BUF at a time, so two writers' writes arrive
// interleaved however the kernel schedules them.
func mergedPipes(context.Context) (net.Conn, net.Conn, func(), error) {
	var ends [6]*os.File // r1 w1 r2 w2 rOut wOut
	for i := 0; i < len(ends); i += 2 {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(ends[:i])
			return nil, nil, nil, err
		}
		ends[i], ends[i+1] = r, w
	}
	go func() { // ends when the pipes close
		for {
			for _, r := range []*os.File{ends[0], ends[2]} {
				if _, err := io.CopyN(ends[5], r, kernel.PipeBuf/2); err != nil {
					return
				}
			}
		}
	}()
	a := &alternatingWriter{ends: [2]*os.File{ends[1], ends[3]}}
	b := &pipeReader{ends[4]}
	return a, b, func() { closeAll(ends[:]) }, nil
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// alternatingWriter is A: its writing descriptor is w1 and w2 in turn.
type alternatingWriter struct {
	net.Conn // nil: only the descriptors are used
	ends     [2]*os.File
	next     int
}

func (a *alternatingWriter) Close() error                           { return nil }
func (a *alternatingWriter) ReadRawConn() (syscall.RawConn, error)  { return a.ends[0].SyscallConn() }
func (a *alternatingWriter) WriteRawConn() (syscall.RawConn, error) { return alternating{a}, nil }

type alternating struct{ a *alternatingWriter }

func (r alternating) Control(f func(fd uintptr)) error {
	rc, err := r.a.ends[r.a.next%2].SyscallConn()
	r.a.next++
	if err != nil {
		return err
	}
	return rc.Control(f)
}
func (alternating) Read(func(uintptr) bool) error  { return errors.ErrUnsupported }
func (alternating) Write(func(uintptr) bool) error { return errors.ErrUnsupported }

// pipeReader is B: it reads the merged pipe.
type pipeReader struct{ *os.File }

func (b *pipeReader) LocalAddr() net.Addr                   { return nil }
func (b *pipeReader) RemoteAddr() net.Addr                  { return nil }
func (b *pipeReader) ReadRawConn() (syscall.RawConn, error) { return b.File.SyscallConn() }
func (b *pipeReader) WriteRawConn() (syscall.RawConn, error) {
	return b.File.SyscallConn()
}

// swallowWriteErrors reports every Write as complete.
type swallowWriteErrors struct{ *net.UnixConn }

func (c swallowWriteErrors) Write(p []byte) (int, error) {
	_, _ = c.UnixConn.Write(p)
	return len(p), nil
}

// stickyWriteError fails every Write after the first failure, as crypto/tls does.
type stickyWriteError struct {
	*net.TCPConn
	err error
}

func (c *stickyWriteError) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.TCPConn.Write(p)
	c.err = err
	return n, err
}

// swallowTCPWriteErrors reports every Write as complete.
type swallowTCPWriteErrors struct{ *net.TCPConn }

func (c swallowTCPWriteErrors) Write(p []byte) (int, error) {
	_, _ = c.TCPConn.Write(p)
	return len(p), nil
}
