package harness

// Transport groups for the table.
var (
	tcps     = []string{"tcp4", "tcp6", "netns"} // netns is Linux TCP over a shaped veth path
	tcpTLS   = []string{"tcp4", "tcp6", "netns", "tls"}
	unixes   = []string{"unix", "unix-socketpair"}
	osPipe   = []string{"os-pipe"}
	netPipe  = []string{"net-pipe"}
	tlsOnly  = []string{"tls"}
	noTCP    = []string{"unix", "unix-socketpair", "os-pipe", "net-pipe"}
	kernelNS = []string{"tcp4", "tcp6", "netns", "unix", "unix-socketpair", "os-pipe"}
)

// Sources cited more than once. "measured" means this project's Linux
// machines (kernel 6.18, Go 1.26, x86-64) by the spec itself.
const (
	srcLinuxDelack = "measured; include/net/tcp.h TCP_DELACK_MIN 40 ms; Go src/net/tcpsock.go sets TCP_NODELAY by default"
	srcXNUDelack   = "xnu bsd/netinet/tcp_input.c, tcp_timer.c (delayed ACK 100-200 ms); Go src/net/tcpsock.go"
	srcNoNagle     = "Nagle and delayed ACK are TCP's (RFC 896, RFC 1122 4.2.3.2)"
	srcNetPipe     = "Go src/net/pipe.go (synchronous, no OS involved); measured"
	srcTLSClose    = "crypto/tls Conn.Close sends close_notify first; the TLS layer had already read B's kernel queue empty, so TCP closed with FIN; measured"
	srcXNUReset    = "xnu bsd/netinet/tcp_usrreq.c tcp_disconnect (RST with unread data or SO_LINGER 0), tcp_input.c (RST sets ECONNRESET), bsd/kern/uipc_socket.c sosendcheck (EPIPE once SS_CANTSENDMORE)"
	srcXNUUnixGone = "xnu bsd/kern/uipc_usrreq.c unp_disconnect (peer disconnected without error), uipc_send (EPIPE)"
	srcXNUPipe     = "xnu bsd/kern/sys_pipe.c pipe_read (EOF), pipe_write (EPIPE without a reader)"
	srcXNUShutRD   = "xnu bsd/kern/uipc_socket.c sorflush (SB_DROP: data arriving after SHUT_RD is dropped); uipc_usrreq.c uipc_send checks only the sender's state"
	srcTLSTimeout  = "crypto/tls Conn.SetWriteDeadline: after a Write has timed out, the TLS state is corrupt and all future writes return the same error"
	srcPoller      = "Go internal/poll: a timed-out Write reports the bytes the kernel took"
)

// expectations is the one table of what each built-in transport does for
// each observed behaviour, per OS. Outcome texts are the specs' outcome
// strings, documented above each spec in suites/observed_*.go. A missing
// entry means the spec only records: pipe-buf-atomicity on TCP (a Write
// that waits for send-buffer space releases the socket lock partway, so
// interleaving is possible), and every spec a transport lacks the ability
// for. Linux entries are measured; darwin entries are read from XNU and
// marked Inferred until a macOS run confirms them.
var expectations = []Expectation{
	// nagle-delayed-ack
	{Behaviour: "nagle-delayed-ack", OS: "linux", Transports: tcpTLS, Outcome: "default: no stall, nagle: stall", Source: srcLinuxDelack},
	{Behaviour: "nagle-delayed-ack", OS: "linux", Transports: noTCP, Outcome: "default: no stall", Source: "measured; " + srcNoNagle},
	{Behaviour: "nagle-delayed-ack", OS: "darwin", Transports: tcpTLS, Outcome: "default: no stall, nagle: stall", Source: srcXNUDelack, Inferred: true},
	{Behaviour: "nagle-delayed-ack", OS: "darwin", Transports: noTCP, Outcome: "default: no stall", Source: srcNoNagle, Inferred: true},

	// close-with-unread-data
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: tcps, Outcome: "read: data, ECONNRESET, EOF; write: EPIPE",
		Source: "measured; net/ipv4/tcp.c __tcp_close (RST with unread data, RFC 2525 2.17), tcp_recvmsg (queued data before the error)"},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: unixes, Outcome: "read: data, ECONNRESET, EOF; write: EPIPE",
		Source: "measured; net/unix/af_unix.c unix_release_sock (ECONNRESET when unread data is discarded)"},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: osPipe, Outcome: "read: data, EOF; write: EPIPE", Source: "measured; fs/pipe.c pipe_read, pipe_write"},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: netPipe, Outcome: "read: EOF; write: io.ErrClosedPipe", Source: srcNetPipe},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: netPipe, Outcome: "read: EOF; write: io.ErrClosedPipe", Source: srcNetPipe},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: tlsOnly, Outcome: "read: data, EOF; write: ok, EPIPE", Source: srcTLSClose},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: tcps, Outcome: "read: data, ECONNRESET, EOF; write: EPIPE", Source: srcXNUReset, Inferred: true},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: unixes, Outcome: "read: data, EOF; write: EPIPE", Source: srcXNUUnixGone, Inferred: true},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: osPipe, Outcome: "read: data, EOF; write: EPIPE", Source: srcXNUPipe, Inferred: true},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: tlsOnly, Outcome: "read: data, EOF; write: ok, EPIPE", Source: srcTLSClose + "; " + srcXNUReset, Inferred: true},

	// abortive-close
	{Behaviour: "abortive-close", OS: "linux", Transports: tcps, Outcome: "read: data, ECONNRESET, EOF; write: EPIPE",
		Source: "measured; net/ipv4/tcp.c __tcp_close (SO_LINGER 0 sends RST); tcp_reset leaves the receive queue readable"},
	{Behaviour: "abortive-close", OS: "linux", Transports: unixes, Outcome: "read: data, EOF; write: EPIPE", Source: "measured: AF_UNIX ignores SO_LINGER, the close is graceful"},
	{Behaviour: "abortive-close", OS: "linux", Transports: tlsOnly, Outcome: "read: data, EOF; write: ECONNRESET",
		Source: "measured: close_notify arrives before the RST; net/ipv4/tcp.c tcp_sendmsg reports the pending ECONNRESET"},
	{Behaviour: "abortive-close", OS: "darwin", Transports: tcps, Outcome: "read: data, ECONNRESET, EOF; write: EPIPE", Source: srcXNUReset, Inferred: true},
	{Behaviour: "abortive-close", OS: "darwin", Transports: unixes, Outcome: "read: data, EOF; write: EPIPE", Source: srcXNUUnixGone + "; SO_LINGER only delays soclose", Inferred: true},
	{Behaviour: "abortive-close", OS: "darwin", Transports: tlsOnly, Outcome: "read: data, EOF; write: EPIPE", Source: srcXNUReset, Inferred: true},

	// abortive-close-by-a: the same as abortive-close, A closing (measured on Linux 6.18, 2026-11)
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: tcps, Outcome: "read: data, ECONNRESET, EOF; write: EPIPE",
		Source: "measured; net/ipv4/tcp.c __tcp_close (SO_LINGER 0 sends RST); tcp_reset leaves the receive queue readable"},
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: unixes, Outcome: "read: data, EOF; write: EPIPE", Source: "measured: AF_UNIX ignores SO_LINGER, the close is graceful"},
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: tlsOnly, Outcome: "read: data, EOF; write: ECONNRESET",
		Source: "measured: close_notify arrives before the RST; net/ipv4/tcp.c tcp_sendmsg reports the pending ECONNRESET"},

	// lifetimes: a kernel stream keeps half-closed and idle connections as long as both ends hold them
	// (measured on Linux 6.18 with the 3 s horizon, 2026-11)
	{Behaviour: "lifetimes", OS: "linux", Transports: append(append([]string{}, kernelNS...), "tls"),
		Outcome: "A half-closed: survived; B half-closed: survived; idle: survived",
		Source:  "measured with a 3 s horizon; no kernel timer closes an open TCP, Unix or pipe connection (net/ipv4/tcp_timer.c: keepalive is off unless SO_KEEPALIVE, and Go's 15 s keepalive probes are answered by the peer)"},

	// close-read
	{Behaviour: "close-read", OS: "linux", Transports: tcps, Outcome: "peer write: ok; read: data, EOF",
		Source: "measured; gVisor test/syscalls/linux/socket_ip_tcp_generic.cc ShutdownRdShouldCauseNoPacketsWithUnreadData; net/ipv4/tcp.c tcp_recvmsg reads queued data before RCV_SHUTDOWN"},
	{Behaviour: "close-read", OS: "linux", Transports: unixes, Outcome: "peer write: EPIPE; read: EOF",
		Source: "measured; gVisor test/syscalls/linux/socket_unix.cc ShutdownRead; net/unix/af_unix.c unix_shutdown"},
	{Behaviour: "close-read", OS: "linux", Transports: osPipe, Outcome: "peer write: EPIPE; read: os.ErrClosed",
		Source: "measured; CloseRead closes the read end: fs/pipe.c pipe_write (EPIPE without a reader)"},
	{Behaviour: "close-read", OS: "darwin", Transports: tcps, Outcome: "peer write: ok; read: EOF", Source: srcXNUShutRD, Inferred: true},
	{Behaviour: "close-read", OS: "darwin", Transports: unixes, Outcome: "peer write: ok; read: EOF", Source: srcXNUShutRD, Inferred: true},
	{Behaviour: "close-read", OS: "darwin", Transports: osPipe, Outcome: "peer write: EPIPE; read: os.ErrClosed", Source: srcXNUPipe, Inferred: true},

	// coalescing-splitting
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: kernelNS, Outcome: "small writes coalesced",
		Source: "measured; net/ipv4/tcp.c tcp_recvmsg, net/unix/af_unix.c unix_stream_read_generic, fs/pipe.c pipe_read copy across queued writes"},
	{Behaviour: "coalescing-splitting", OS: "darwin", Transports: kernelNS, Outcome: "small writes coalesced",
		Source: "xnu bsd/kern/uipc_socket.c soreceive, sys_pipe.c pipe_read copy across queued writes", Inferred: true},
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: netPipe, Outcome: "small writes one read each", Source: srcNetPipe},
	{Behaviour: "coalescing-splitting", OS: "darwin", Transports: netPipe, Outcome: "small writes one read each", Source: srcNetPipe},
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: tlsOnly, Outcome: "small writes one read each",
		Source: "measured; crypto/tls Conn.Read returns at most one record, of at most 16 KiB (RFC 8446 5.1)"},
	{Behaviour: "coalescing-splitting", OS: "darwin", Transports: tlsOnly, Outcome: "small writes one read each",
		Source: "crypto/tls Conn.Read returns at most one record, of at most 16 KiB (RFC 8446 5.1)"},

	// closed-peer-errors
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: tcpTLS, Outcome: "ok, EPIPE",
		Source: "measured; the FIN does not fail a Write, the RST it provokes does: net/ipv4/tcp_input.c tcp_reset (EPIPE in CLOSE_WAIT)"},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: unixes, Outcome: "EPIPE", Source: "measured; net/unix/af_unix.c unix_stream_sendmsg"},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: osPipe, Outcome: "EPIPE", Source: "measured; fs/pipe.c pipe_write"},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: netPipe, Outcome: "io.ErrClosedPipe", Source: srcNetPipe},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: netPipe, Outcome: "io.ErrClosedPipe", Source: srcNetPipe},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: tcpTLS, Outcome: "ok, EPIPE", Source: srcXNUReset, Inferred: true},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: unixes, Outcome: "EPIPE", Source: srcXNUUnixGone, Inferred: true},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: osPipe, Outcome: "EPIPE", Source: srcXNUPipe, Inferred: true},

	// write-timeout-usable
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: kernelNS, Outcome: "usable", Source: "measured; " + srcPoller},
	{Behaviour: "write-timeout-usable", OS: "darwin", Transports: kernelNS, Outcome: "usable", Source: srcPoller, Inferred: true},
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: netPipe, Outcome: "usable", Source: srcNetPipe},
	{Behaviour: "write-timeout-usable", OS: "darwin", Transports: netPipe, Outcome: "usable", Source: srcNetPipe},
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: tlsOnly, Outcome: "unusable: timeout", Source: srcTLSTimeout + "; measured"},
	{Behaviour: "write-timeout-usable", OS: "darwin", Transports: tlsOnly, Outcome: "unusable: timeout", Source: srcTLSTimeout},

	// pipe-buf-atomicity
	{Behaviour: "pipe-buf-atomicity", OS: "linux", Transports: osPipe, Outcome: "PIPE_BUF writes atomic",
		Source: "measured; include/uapi/linux/limits.h PIPE_BUF 4096, fs/pipe.c pipe_write"},
	{Behaviour: "pipe-buf-atomicity", OS: "linux", Transports: unixes, Outcome: "PIPE_BUF writes atomic",
		Source: "measured; net/unix/af_unix.c unix_stream_sendmsg queues a write of up to sk_sndbuf/2 as one skb"},
	{Behaviour: "pipe-buf-atomicity", OS: "darwin", Transports: osPipe, Outcome: "PIPE_BUF writes atomic",
		Source: "xnu bsd/sys/syslimits.h PIPE_BUF 512, bsd/kern/sys_pipe.c pipe_write", Inferred: true},
}
