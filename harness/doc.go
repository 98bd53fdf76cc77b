// Package harness is what a transport's author gives streamspec: a
// Transport that makes fresh connected pairs of endpoints, and what the
// endpoints' types cannot reveal about them. Package suites runs the
// catalogue of specs against it.
//
// A transport is usually one line: FromMakePipe for a constructor shaped
// like golang.org/x/net/nettest.MakePipe, FromReadWriteClosers for
// endpoints that are only io.ReadWriteClosers (multiplexer streams,
// tunnels). Without, HalfCloseOnClose and IgnoreGoroutines declare what
// the types cannot.
//
// # What the harness looks for on an endpoint
//
// Abilities are discovered from each endpoint's methods; a spec that needs
// one both endpoints lack is reported unsupported, never failed:
//
//   - CloseWrite() error: close-write (half-close: the peer reads io.EOF).
//   - CloseRead() error: close-read (shut down the reading direction).
//   - SetReadDeadline, SetWriteDeadline: read-deadline, write-deadline.
//     Every net.Conn has them; declare a setter that is accepted but
//     ignored with Without. An io.ReadWriteCloser without them lacks them
//     (a SetDeadline alone stands for neither).
//   - SyscallConn() (syscall.RawConn, error): descriptor. The specs then
//     read the kernel's queues and readiness (SIOCINQ, SIOCOUTQ, TCP_INFO,
//     poll) instead of timing. An endpoint whose two directions are two
//     descriptors, such as a pair of pipes, has ReadRawConn() and
//     WriteRawConn() instead, each returning (syscall.RawConn, error).
//   - SetReadBuffer(int) error and SetWriteBuffer(int) error: buffer-sizing
//     (the capacity sweeps over SO_RCVBUF and SO_SNDBUF).
//   - SetNoDelay(bool) error: no-delay (Nagle's algorithm, for the
//     nagle-delayed-ack spec).
//   - SetLinger(sec int) error: how abortive-close resets the connection
//     (SO_LINGER 0); without it, setsockopt on the descriptor.
//   - NetConn() net.Conn: a wrapper (crypto/tls.Conn) is looked through
//     for SetNoDelay, SetLinger and the TCP socket under it.
//
// Close is full-close: it ends both directions. A Close that ends only the
// writing direction (yamux, quic-go streams) is declared with
// HalfCloseOnClose.
package harness
