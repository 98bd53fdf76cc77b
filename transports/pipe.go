package transports

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// Pipe is a duplex stream made of two os.Pipes: each endpoint reads one
// pipe and writes the other. CloseWrite closes the write end, so the peer
// reads EOF; CloseRead closes the read end, so the peer's writes fail.
func Pipe() harness.Transport {
	return harness.New("os-pipe", harness.Traits{Kind: harness.KindPipe, Notes: "two os.Pipe"},
		func(context.Context) (net.Conn, net.Conn, func(), error) {
			r1, w1, err := os.Pipe()
			if err != nil {
				return nil, nil, nil, err
			}
			r2, w2, err := os.Pipe()
			if err != nil {
				r1.Close()
				w1.Close()
				return nil, nil, nil, err
			}
			return &pipeConn{r: r1, w: w2}, &pipeConn{r: r2, w: w1}, nil, nil
		})
}

// pipeConn is one end of a duplex pipe. Its deadlines work because os.Pipe
// descriptors are registered with the runtime poller.
type pipeConn struct{ r, w *os.File }

func (c *pipeConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *pipeConn) Write(p []byte) (int, error) { return c.w.Write(p) }
func (c *pipeConn) Close() error                { return errors.Join(c.r.Close(), c.w.Close()) }
func (c *pipeConn) CloseWrite() error           { return c.w.Close() }
func (c *pipeConn) CloseRead() error            { return c.r.Close() }
func (c *pipeConn) LocalAddr() net.Addr         { return pipeAddr{} }
func (c *pipeConn) RemoteAddr() net.Addr        { return pipeAddr{} }
func (c *pipeConn) SetDeadline(t time.Time) error {
	return errors.Join(c.r.SetReadDeadline(t), c.w.SetWriteDeadline(t))
}
func (c *pipeConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *pipeConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// ReadRawConn and WriteRawConn give the probes the two descriptors.
func (c *pipeConn) ReadRawConn() (syscall.RawConn, error)  { return c.r.SyscallConn() }
func (c *pipeConn) WriteRawConn() (syscall.RawConn, error) { return c.w.SyscallConn() }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
