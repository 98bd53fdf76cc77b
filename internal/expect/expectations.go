package expect

import "slices"

// Transport groups for the table. netns exists on Linux only.
var (
	tcps      = []string{"tcp4", "tcp6", "netns"} // netns is Linux TCP over a shaped veth path
	tcpTLS    = []string{"tcp4", "tcp6", "netns", "tls"}
	tcpMac    = []string{"tcp4", "tcp6"}
	tcpTLSMac = []string{"tcp4", "tcp6", "tls"}
	unixes    = []string{"unix", "unix-socketpair"}
	osPipe    = []string{"os-pipe"}
	netPipe   = []string{"net-pipe"}
	tlsOnly   = []string{"tls"}
	noTCP     = []string{"unix", "unix-socketpair", "os-pipe", "net-pipe"}
	kernelNS  = []string{"tcp4", "tcp6", "netns", "unix", "unix-socketpair", "os-pipe"}
	kernelMac = []string{"tcp4", "tcp6", "unix", "unix-socketpair", "os-pipe"}
	mptcp     = []string{"mptcp"} // Linux Multipath TCP, one subflow over loopback
)

// linux is the provenance of the Linux rows: seen by the specs on this
// project's machine (x86-64) when the table was written, and again by
// every run since (a Linux run that differs fails).
func linux(why string) Provenance { return linuxOn("2026-11-25", why) }

// linuxOn is linux for rows first seen on another day.
func linuxOn(date, why string) Provenance { return Seen("Linux 6.18.44", "go1.26.8", date, why) }

// outcomes is a set of outcomes; one() the usual single one.
func outcomes(o ...string) []string { return o }
func one(o string) []string         { return []string{o} }

// Sources cited more than once. "xnu" is apple-oss-distributions/xnu at
// xnu-11417.101.15 (macOS 15).
const (
	srcLinuxDelack = "include/net/tcp.h TCP_DELACK_MIN 40 ms; Go src/net/tcpsock.go sets TCP_NODELAY by default"
	srcNoNagle     = "Nagle and delayed ACK are TCP's (RFC 896, RFC 1122 4.2.3.2)"
	srcNetPipe     = "Go src/net/pipe.go (synchronous, no OS involved)"
	srcTLSClose    = "crypto/tls Conn.Close sends close_notify first; the TLS layer had already read B's kernel queue empty, so TCP closed with FIN"
	srcTLSTimeout  = "crypto/tls Conn.SetWriteDeadline: after a Write has timed out, the TLS state is corrupt and all future writes return the same error"
	srcTLSRecord   = "crypto/tls Conn.Read returns at most one record, of at most 16 KiB (RFC 8446 5.1)"
	srcPoller      = "Go src/internal/poll/fd_unix.go FD.Write: a timed-out Write reports the bytes the kernel took"

	// XNU hands loopback packets to the DLIL input thread, so a RST
	// reaches the peer asynchronously: a Write issued meanwhile succeeds.
	srcXNULoop     = "xnu bsd/net/if_loop.c lo_output queues the packet for the DLIL input thread (bsd/net/dlil.c ifnet_input_common): when the RST is processed is timing"
	srcXNURSTIn    = "xnu bsd/netinet/tcp_input.c tcp_input (a RST sets so_error ECONNRESET and tcp_close marks the socket SS_CANTSENDMORE)"
	srcXNURecv     = "xnu bsd/kern/uipc_socket.c soreceive (queued data before so_error, then EOF once SS_CANTRCVMORE)"
	srcXNUSendEP   = "xnu bsd/kern/uipc_socket.c sosendcheck (EPIPE once SS_CANTSENDMORE, checked before so_error)"
	srcXNUReset    = "xnu bsd/netinet/tcp_usrreq.c tcp_disconnect (tcp_drop sends RST with unread data or SO_LINGER 0); " + srcXNURSTIn + "; " + srcXNURecv + "; " + srcXNUSendEP
	srcXNUDataRST  = "xnu bsd/netinet/tcp_input.c tcp_input (data for a socket closed past CLOSE_WAIT, or shut for reading, is answered with RST: dropwithreset)"
	srcXNUUnixGone = "xnu bsd/kern/uipc_usrreq.c unp_disconnect (the peer is marked SS_CANTRCVMORE and SS_CANTSENDMORE, no error), uipc_send (EPIPE once SS_CANTSENDMORE)"
	srcXNUPipe     = "xnu bsd/kern/sys_pipe.c pipe_read (EOF once the writer is gone), pipe_write (EPIPE without a reader)"
	// MPTCP's close and reset (net/mptcp/protocol.c).
	srcMPTCPReset  = "net/mptcp/protocol.c mptcp_check_fastclose gives the peer tcp_reset's errors (ECONNRESET) once MP_FASTCLOSE arrives; queued data is read first (mptcp_recvmsg)"
	srcMPTCPClosed = "net/mptcp/protocol.c __mptcp_close sends a DATA_FIN, not a reset, and keeps the subflows open \"to properly ack\" what still arrives, " +
		"where TCP resets (net/ipv4/tcp_input.c tcp_rcv_state_process); only net.mptcp.close_timeout (60 s, mptcp_worker mptcp_close_tout_expired) ends it with mptcp_do_fastclose"
	srcXNUShutRD = "xnu bsd/kern/uipc_socket.c soshutdownlock_final calls sorflush for SHUT_RD (SS_CANTRCVMORE and SB_DROP: queued and later data are dropped, reads return EOF)"
)

// recordOnly are the built-ins whose outcome for a behaviour is left
// open on purpose, on every OS: the spec records it, nothing is expected.
var recordOnly = []Expectation{
	{Behaviour: "nagle-delayed-ack", Transports: mptcp, Provenance: FromSource(
		"net/mptcp/sockopt.c mptcp_setsockopt: TCP_QUICKACK is not among mptcp_supported_sockopt, so it fails with ENOPROTOOPT and the spec, which needs it, is unavailable")},
	{Behaviour: "pipe-buf-atomicity", Transports: []string{"tcp4", "tcp6", "netns", "mptcp"}, Provenance: FromSource(
		"a TCP Write that waits for send-buffer space releases the socket lock partway (Linux net/ipv4/tcp.c tcp_sendmsg_locked, " +
			"xnu bsd/kern/uipc_socket.c sosend), so whether two writers interleave is timing: measured both ways on Linux")},
}

// RecordOnly reports whether behaviour on transport is deliberately
// without an expectation.
func RecordOnly(behaviour, transport string) bool {
	return slices.ContainsFunc(recordOnly, func(e Expectation) bool {
		return e.Behaviour == behaviour && slices.Contains(e.Transports, transport)
	})
}

// expectations is the one table of what each built-in transport does for
// each observed behaviour, per OS. Outcome texts are the specs' outcome
// strings, documented above each spec in suites/observed_*.go. A missing
// entry means the spec only records: recordOnly, and every spec a
// transport lacks the ability for. Linux rows are measured; darwin rows are read from XNU and Go and
// stay inferred until a macOS run confirms them
// (streamspec-report expectations turns a run's report into rows).
var expectations = []Expectation{
	// nagle-delayed-ack
	{Behaviour: "nagle-delayed-ack", OS: "linux", Transports: tcpTLS, Outcomes: one("default: no stall, nagle: stall"), Provenance: linux(srcLinuxDelack)},
	{Behaviour: "nagle-delayed-ack", OS: "linux", Transports: noTCP, Outcomes: one("default: no stall"), Provenance: linux(srcNoNagle)},
	{Behaviour: "nagle-delayed-ack", OS: "darwin", Transports: tcpTLSMac, Outcomes: one("default: no stall, nagle: no stall"), Provenance: FromSource(
		"xnu bsd/netinet/tcp_output.c tcp_output: with its ACK delayed (tcp_delack_enabled 3, bsd/netinet/tcp_cc.c tcp_cc_delay_ack), the receiver ACKs at once " +
			"when the application empties its buffer and the last segment had PSH (TF_LAST_IS_PSH), so Nagle's held second write goes as soon as the replier reads; " +
			"the first TCP_FORCED_ACKS_COUNT (16, bsd/netinet/tcp_var.h) ACKs of a connection are never delayed; crypto/tls reads the kernel queue empty too")},
	{Behaviour: "nagle-delayed-ack", OS: "darwin", Transports: noTCP, Outcomes: one("default: no stall"), Provenance: FromSource(srcNoNagle)},

	// close-with-unread-data
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: tcps, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linux("net/ipv4/tcp.c __tcp_close (RST with unread data, RFC 2525 2.17), tcp_recvmsg (queued data before the error)")},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: unixes, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linux("net/unix/af_unix.c unix_release_sock (ECONNRESET when unread data is discarded)")},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: osPipe, Outcomes: one("read: data, EOF; write: EPIPE"), Provenance: linux("fs/pipe.c pipe_read, pipe_write")},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: netPipe, Outcomes: one("read: EOF; write: io.ErrClosedPipe"), Provenance: linux(srcNetPipe)},
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: tlsOnly, Outcomes: one("read: data, EOF; write: ok, EPIPE"), Provenance: linux(srcTLSClose)},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: tcpMac, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"), Provenance: FromSource(srcXNUReset)},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: unixes, Outcomes: one("read: data, EOF; write: EPIPE"), Provenance: FromSource(srcXNUUnixGone)},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: osPipe, Outcomes: one("read: data, EOF; write: EPIPE"), Provenance: FromSource(srcXNUPipe)},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: netPipe, Outcomes: one("read: EOF; write: io.ErrClosedPipe"), Provenance: FromSource(srcNetPipe)},
	{Behaviour: "close-with-unread-data", OS: "darwin", Transports: tlsOnly, Outcomes: outcomes("read: data, EOF; write: ok, EPIPE", "read: data, EOF; write: ok"),
		Provenance: FromSource(srcTLSClose + "; A's first write meets the closed socket, " + srcXNUDataRST + "; " + srcXNUSendEP + "; " + srcXNULoop + ", so A's three writes may all go before it")},

	// abortive-close
	{Behaviour: "abortive-close", OS: "linux", Transports: tcps, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linux("net/ipv4/tcp.c __tcp_close (SO_LINGER 0 sends RST); tcp_reset leaves the receive queue readable")},
	{Behaviour: "abortive-close", OS: "linux", Transports: unixes, Outcomes: one("read: data, EOF; write: EPIPE"), Provenance: linux("AF_UNIX ignores SO_LINGER, the close is graceful")},
	{Behaviour: "abortive-close", OS: "linux", Transports: tlsOnly, Outcomes: one("read: data, EOF; write: ECONNRESET"),
		Provenance: linux("close_notify arrives before the RST; net/ipv4/tcp.c tcp_sendmsg reports the pending ECONNRESET")},
	{Behaviour: "abortive-close", OS: "darwin", Transports: tcpMac, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"), Provenance: FromSource(srcXNUReset)},
	{Behaviour: "abortive-close", OS: "darwin", Transports: unixes, Outcomes: one("read: data, EOF; write: EPIPE"),
		Provenance: FromSource("xnu bsd/kern/uipc_socket.c soclose_locked (SO_LINGER only bounds a wait for the disconnect, which unp_disconnect makes at once); " + srcXNUUnixGone)},
	{Behaviour: "abortive-close", OS: "darwin", Transports: tlsOnly, Outcomes: outcomes("read: data, EOF; write: EPIPE", "read: data, EOF; write: ok, EPIPE"),
		Provenance: FromSource("crypto/tls Conn.Close sends close_notify before the RST; " + srcXNURecv + "; " + srcXNURSTIn + "; " + srcXNUSendEP + "; " + srcXNULoop)},

	// abortive-close-by-a: abortive-close with A closing
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: tcps, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linuxOn("2026-11-29", "net/ipv4/tcp.c __tcp_close (SO_LINGER 0 sends RST); tcp_reset leaves the receive queue readable")},
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: unixes, Outcomes: one("read: data, EOF; write: EPIPE"),
		Provenance: linuxOn("2026-11-29", "AF_UNIX ignores SO_LINGER, the close is graceful")},
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: tlsOnly, Outcomes: one("read: data, EOF; write: ECONNRESET"),
		Provenance: linuxOn("2026-11-29", "close_notify arrives before the RST; net/ipv4/tcp.c tcp_sendmsg reports the pending ECONNRESET")},
	{Behaviour: "abortive-close-by-a", OS: "darwin", Transports: tcpMac, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"), Provenance: FromSource(srcXNUReset)},
	{Behaviour: "abortive-close-by-a", OS: "darwin", Transports: unixes, Outcomes: one("read: data, EOF; write: EPIPE"),
		Provenance: FromSource("xnu bsd/kern/uipc_socket.c soclose_locked (SO_LINGER only bounds a wait for the disconnect, which unp_disconnect makes at once); " + srcXNUUnixGone)},
	{Behaviour: "abortive-close-by-a", OS: "darwin", Transports: tlsOnly, Outcomes: outcomes("read: data, EOF; write: EPIPE", "read: data, EOF; write: ok, EPIPE"),
		Provenance: FromSource("crypto/tls Conn.Close sends close_notify before the RST; " + srcXNURecv + "; " + srcXNURSTIn + "; " + srcXNUSendEP + "; " + srcXNULoop)},

	// lifetimes: a kernel stream keeps half-closed and idle connections as long as both ends hold them
	{Behaviour: "lifetimes", OS: "linux", Transports: append(slices.Clone(kernelNS), "tls"),
		Outcomes: one("A half-closed: survived; B half-closed: survived; idle: survived"),
		Provenance: linuxOn("2026-11-29", "with a 3 s horizon; no kernel timer closes an open TCP, Unix or pipe connection "+
			"(net/ipv4/tcp_timer.c: keepalive probes, on by default in Go at 15 s, are answered by the peer)")},
	{Behaviour: "lifetimes", OS: "darwin", Transports: append(slices.Clone(kernelMac), "tls"),
		Outcomes: one("A half-closed: survived; B half-closed: survived; idle: survived"),
		Provenance: FromSource("xnu bsd/netinet/tcp_timer.c tcp_timers: only keepalive (answered by a live peer) and FIN_WAIT_2 of a fully closed socket end a connection; " +
			"bsd/kern/uipc_usrreq.c and sys_pipe.c have no timers")},

	// close-read
	{Behaviour: "close-read", OS: "linux", Transports: tcps, Outcomes: one("peer write: ok; read: data, EOF"),
		Provenance: linux("gVisor test/syscalls/linux/socket_ip_tcp_generic.cc ShutdownRdShouldCauseNoPacketsWithUnreadData; net/ipv4/tcp.c tcp_recvmsg reads queued data before RCV_SHUTDOWN")},
	{Behaviour: "close-read", OS: "linux", Transports: unixes, Outcomes: one("peer write: EPIPE; read: EOF"),
		Provenance: linux("gVisor test/syscalls/linux/socket_unix.cc ShutdownRead; net/unix/af_unix.c unix_shutdown")},
	{Behaviour: "close-read", OS: "linux", Transports: osPipe, Outcomes: one("peer write: EPIPE; read: os.ErrClosed"),
		Provenance: linux("CloseRead closes the read end: fs/pipe.c pipe_write (EPIPE without a reader)")},
	{Behaviour: "close-read", OS: "darwin", Transports: tcpMac, Outcomes: outcomes("peer write: ok; read: EOF", "peer write: ok, EPIPE; read: EOF"),
		Provenance: FromSource(srcXNUShutRD + "; " + srcXNUDataRST + " and tcp_close; the peer's writes then get EPIPE (" + srcXNURSTIn + ", sosendcheck); " + srcXNULoop)},
	{Behaviour: "close-read", OS: "darwin", Transports: unixes, Outcomes: one("peer write: ok; read: EOF"),
		Provenance: FromSource(srcXNUShutRD + "; xnu bsd/kern/uipc_usrreq.c uipc_send checks only the sender's SS_CANTSENDMORE, and sbappend (uipc_socket2.c sbappend_common) drops into an SB_DROP buffer")},
	{Behaviour: "close-read", OS: "darwin", Transports: osPipe, Outcomes: one("peer write: EPIPE; read: os.ErrClosed"),
		Provenance: FromSource("CloseRead closes the read end: xnu bsd/kern/sys_pipe.c pipe_write (EPIPE without a reader)")},

	// coalescing-splitting
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: kernelNS, Outcomes: one("small writes coalesced"),
		Provenance: linux("net/ipv4/tcp.c tcp_recvmsg, net/unix/af_unix.c unix_stream_read_generic, fs/pipe.c pipe_read copy across queued writes")},
	{Behaviour: "coalescing-splitting", OS: "darwin", Transports: kernelMac, Outcomes: one("small writes coalesced"),
		Provenance: FromSource("xnu bsd/kern/uipc_socket.c soreceive, bsd/kern/sys_pipe.c pipe_read copy across queued writes")},
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: netPipe, Outcomes: one("small writes one read each"), Provenance: linux(srcNetPipe)},
	{Behaviour: "coalescing-splitting", OS: "darwin", Transports: netPipe, Outcomes: one("small writes one read each"), Provenance: FromSource(srcNetPipe)},
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: tlsOnly, Outcomes: one("small writes one read each"), Provenance: linux(srcTLSRecord)},
	{Behaviour: "coalescing-splitting", OS: "darwin", Transports: tlsOnly, Outcomes: one("small writes one read each"), Provenance: FromSource(srcTLSRecord)},

	// closed-peer-errors
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: tcpTLS, Outcomes: one("ok, EPIPE"),
		Provenance: linux("the FIN does not fail a Write, the RST it provokes does: net/ipv4/tcp_input.c tcp_reset (EPIPE in CLOSE_WAIT)")},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: unixes, Outcomes: one("EPIPE"), Provenance: linux("net/unix/af_unix.c unix_stream_sendmsg")},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: osPipe, Outcomes: one("EPIPE"), Provenance: linux("fs/pipe.c pipe_write")},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: netPipe, Outcomes: one("io.ErrClosedPipe"), Provenance: linux(srcNetPipe)},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: netPipe, Outcomes: one("io.ErrClosedPipe"), Provenance: FromSource(srcNetPipe)},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: tcpTLSMac, Outcomes: one("ok, EPIPE"),
		Provenance: FromSource("the FIN does not fail a write; " + srcXNUDataRST + "; " + srcXNURSTIn + "; " + srcXNUSendEP + "; the spec writes for a second, long enough for the RST")},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: unixes, Outcomes: one("EPIPE"), Provenance: FromSource(srcXNUUnixGone)},
	{Behaviour: "closed-peer-errors", OS: "darwin", Transports: osPipe, Outcomes: one("EPIPE"), Provenance: FromSource(srcXNUPipe)},

	// write-timeout-usable
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: kernelNS, Outcomes: one("usable"), Provenance: linux(srcPoller)},
	{Behaviour: "write-timeout-usable", OS: "darwin", Transports: kernelMac, Outcomes: one("usable"), Provenance: FromSource(srcPoller)},
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: netPipe, Outcomes: one("usable"), Provenance: linux(srcNetPipe)},
	{Behaviour: "write-timeout-usable", OS: "darwin", Transports: netPipe, Outcomes: one("usable"), Provenance: FromSource(srcNetPipe)},
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: tlsOnly, Outcomes: one("unusable: timeout"), Provenance: linux(srcTLSTimeout)},
	{Behaviour: "write-timeout-usable", OS: "darwin", Transports: tlsOnly, Outcomes: one("unusable: timeout"), Provenance: FromSource(srcTLSTimeout)},

	// pipe-buf-atomicity
	{Behaviour: "pipe-buf-atomicity", OS: "linux", Transports: osPipe, Outcomes: one("PIPE_BUF writes atomic"),
		Provenance: linux("include/uapi/linux/limits.h PIPE_BUF 4096, fs/pipe.c pipe_write")},
	{Behaviour: "pipe-buf-atomicity", OS: "linux", Transports: unixes, Outcomes: one("PIPE_BUF writes atomic"),
		Provenance: linux("net/unix/af_unix.c unix_stream_sendmsg queues a write of up to sk_sndbuf/2 as one skb")},
	{Behaviour: "pipe-buf-atomicity", OS: "darwin", Transports: unixes, Outcomes: one("PIPE_BUF writes atomic"),
		Provenance: FromSource("xnu bsd/kern/uipc_socket.c sosend holds the send buffer's lock against other senders, and sosendcheck waits while the room left is below both the write and sb_lowat (2 048), so a 512-byte write goes in whole")},
	{Behaviour: "pipe-buf-atomicity", OS: "darwin", Transports: osPipe, Outcomes: one("PIPE_BUF writes atomic"),
		Provenance: FromSource("xnu bsd/sys/syslimits.h PIPE_BUF 512; bsd/kern/sys_pipe.c pipe_write waits for room for a whole write of at most PIPE_BUF")},

	// mptcp: Linux Multipath TCP, one subflow over loopback
	{Behaviour: "close-with-unread-data", OS: "linux", Transports: mptcp, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linuxOn("2026-12-07", "net/mptcp/protocol.c __mptcp_close: unread data makes the close MPTCP's reset (mptcp_do_fastclose); "+srcMPTCPReset)},
	{Behaviour: "abortive-close", OS: "linux", Transports: mptcp, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linuxOn("2026-12-07", "net/mptcp/sockopt.c mptcp_setsockopt_sol_socket_linger sets SO_LINGER on the subflows; "+srcMPTCPReset)},
	{Behaviour: "abortive-close-by-a", OS: "linux", Transports: mptcp, Outcomes: one("read: data, ECONNRESET, EOF; write: EPIPE"),
		Provenance: linuxOn("2026-12-07", "net/mptcp/sockopt.c mptcp_setsockopt_sol_socket_linger sets SO_LINGER on the subflows; "+srcMPTCPReset)},
	{Behaviour: "lifetimes", OS: "linux", Transports: mptcp, Outcomes: one("A half-closed: survived; B half-closed: survived; idle: survived"),
		Provenance: linuxOn("2026-12-07", "with a 3 s horizon; the close timeout (net.mptcp.close_timeout) applies only to a closed socket")},
	{Behaviour: "close-read", OS: "linux", Transports: mptcp, Outcomes: one("peer write: ok; read: data, EOF"),
		Provenance: linuxOn("2026-12-07", "as TCP: SHUT_RD sends nothing; net/mptcp/protocol.c mptcp_recvmsg reads queued data before RCV_SHUTDOWN")},
	{Behaviour: "coalescing-splitting", OS: "linux", Transports: mptcp, Outcomes: one("small writes coalesced"),
		Provenance: linuxOn("2026-12-07", "net/mptcp/protocol.c __mptcp_recvmsg_mskq copies across queued skbs; a 1 MiB write arrives in more reads than on TCP (4 to 12)")},
	{Behaviour: "closed-peer-errors", OS: "linux", Transports: mptcp, Outcomes: one("ok"),
		Provenance: linuxOn("2026-12-07", "every Write for the spec's second succeeds: "+srcMPTCPClosed)},
	{Behaviour: "write-timeout-usable", OS: "linux", Transports: mptcp, Outcomes: one("usable"), Provenance: linuxOn("2026-12-07", srcPoller)},
}
