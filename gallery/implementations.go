package gallery

import (
	"fmt"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// The TCP implementations view (docs/tcp-implementations.md): the
// catalogue on three TCP implementations that run here, measured side by
// side in one run (TestImplementations), and XNU's as inferred from its
// source (internal/expect's darwin rows). It answers which behaviours hold
// for every TCP and which depend on the implementation.

// ImplColumn is one implementation: its column title and the transport
// that measures it; none for XNU, which is inferred.
type ImplColumn struct {
	Title     string
	Transport string
}

// ImplColumns are the view's columns, in order.
var ImplColumns = []ImplColumn{
	{"Linux TCP (measured)", "tcp4"},
	{"Linux MPTCP (measured)", "mptcp"},
	{"gVisor netstack (measured)", "gvisor-netstack"},
	{"XNU (inferred from source)", ""},
}

// ImplementationTransports are what TestImplementations runs: the
// built-in tcp4 and mptcp, and the gallery's gVisor entry as registered.
func ImplementationTransports() []harness.Transport {
	out := []harness.Transport{transports.TCP4(), transports.MPTCP()}
	for _, e := range Entries() {
		if e.Name == "gvisor-netstack" {
			out = append(out, e.Transport)
		}
	}
	if len(out) != 3 {
		panic(fmt.Sprintf("gallery: the implementations view needs the gvisor-netstack entry; have %d transports", len(out)))
	}
	return out
}

// ImplRow explains one behaviour of the view: which implementations
// differ from Linux TCP and why. make gallery fails when the run and a row
// disagree (a difference the row does not list, or one it lists that did
// not happen), so the view stays true.
type ImplRow struct {
	Behaviour string
	// Differs are the columns (transport names; "xnu" for XNU's inferred
	// outcome) whose outcome differs from Linux TCP's.
	Differs []string
	// Timing are the columns whose outcome the implementation leaves to
	// timing: shown, not compared.
	Timing []string
	// Values marks a row whose result is a measurement (bytes, counts),
	// not a categorical outcome: shown, explained, not compared.
	Values   bool
	Why      string // what is the same or differs, and why
	Citation string // the sources, one per implementation that differs
}

// XNU is the key of XNU's column in ImplRow.Differs.
const XNU = "xnu"

// The sources the rows cite more than once.
const (
	srcGonetErrors = "gVisor pkg/tcpip/adapters/gonet/gonet.go: TCPConn.Read and Write return errors.New(err.String()) of the tcpip.Error, or io.EOF (commonRead)"
	srcMPTCPClose  = "Linux net/mptcp/protocol.c __mptcp_close: a close without unread data sends a DATA_FIN and keeps the subflows open \"to properly ack\" what still arrives; mptcp_worker resets only once mptcp_close_tout_expired (net.mptcp.close_timeout, 60 s); TCP answers data for a closed socket with RST (net/ipv4/tcp_input.c tcp_rcv_state_process)"
	srcGvisorRST   = "gVisor pkg/tcpip/transport/tcp/dispatcher.go: segments, the peer's RST included, are handled on the stack's processor goroutines, so Writes issued meanwhile succeed (endpoint.go isEndpointWritableLocked fails them with ErrClosedForSend once the state is closed)"
)

// ImplRows is the table: every behaviour Linux TCP runs here.
var ImplRows = []ImplRow{
	{Behaviour: "capacity", Values: true,
		Why:      "how much a writer gets accepted before it blocks is the send buffer plus the receive window: Linux grows both with autotuning (TCP and MPTCP alike, about 4.2 MB); gVisor sizes the send buffer from the congestion window, so it varies from pair to pair (1.5 to 4.7 MB seen)",
		Citation: "Linux net/ipv4/tcp_input.c tcp_sndbuf_expand; gVisor pkg/tcpip/transport/tcp/endpoint.go computeTCPSendBufferSize (numSeg * MSS * 2, numSeg the congestion window)"},
	{Behaviour: "capacity-vs-sndbuf",
		Why:      "capacity follows SO_SNDBUF everywhere; the sizes differ: Linux doubles the value set (160 768 / 256 000 / 672 768 B accepted at 16/64/256 KiB on TCP), gVisor keeps it as set (73 728 / 122 880 / 319 488 B)",
		Citation: "Linux net/core/sock.c sk_setsockopt SO_SNDBUF (val * 2); gVisor pkg/tcpip/transport/tcp/endpoint.go OnSetSendBufferSize (returns the size unchanged, turns send autotuning off); xnu bsd/kern/uipc_socket.c sosendcheck"},
	{Behaviour: "capacity-vs-rcvbuf", Differs: []string{XNU},
		Why:      "the Linux stacks and gVisor advertise the free receive buffer, so capacity follows SO_RCVBUF; XNU never shrinks the window it offered in the SYN-ACK (65 535), so a small SO_RCVBUF set after accept changes little: mixed",
		Citation: "Linux net/ipv4/tcp_output.c __tcp_select_window; xnu bsd/netinet/tcp_output.c tcp_output (never advertises less than rcv_adv - rcv_nxt)"},
	{Behaviour: "wakeup-threshold", Values: true,
		Why:      "how much the reader must drain before a blocked writer wakes varies from pair to pair on Linux TCP and MPTCP alike (0.39 to 1.31 MB of about 4.2 MB seen on TCP, 1.18 to 1.31 MB on MPTCP); the probe needs a descriptor, which gVisor has not",
		Citation: "Linux net/core/stream.c sk_stream_write_space, net/mptcp/protocol.c mptcp_write_space (the wake-up of a writer waiting for send-buffer room)"},
	{Behaviour: "concurrent-writes", Timing: []string{"gvisor-netstack"},
		Why:      "the kernels serialise a Write under the socket lock and Go's poller holds a write lock per descriptor; gonet's TCPConn.Write takes no lock and loops over partial endpoint writes, so concurrent Writes can interleave (the adapter's, not the TCP stack's): a race, seen in most runs, not all",
		Citation: "gVisor pkg/tcpip/adapters/gonet/gonet.go TCPConn (\"readMu serializes reads\", nothing serialises writes), TCPConn.Write; Go src/internal/poll/fd_unix.go FD.Write (fd.writeLock)"},
	{Behaviour: "read-deadline", Differs: []string{"gvisor-netstack"},
		Why:      "Go's poller reports an expired deadline as os.ErrDeadlineExceeded; gonet returns its own timeoutError, which wraps nothing (the adapter's)",
		Citation: "gVisor pkg/tcpip/adapters/gonet/gonet.go timeoutError, commonRead; Go src/internal/poll/fd_poll_runtime.go convertErr (ErrDeadlineExceeded)"},
	{Behaviour: "write-deadline", Differs: []string{"gvisor-netstack"},
		Why:      "as read-deadline, for Write",
		Citation: "gVisor pkg/tcpip/adapters/gonet/gonet.go TCPConn.Write (newOpError(\"write\", &timeoutError{}))"},
	{Behaviour: "write-to-closed-peer", Differs: []string{"mptcp"},
		Why:      "TCP answers the first Write to a closed peer with RST and the next fails (EPIPE); gVisor too, after the Writes its goroutines let through before the RST is handled; MPTCP's closed end acks what arrives and resets only after its close timeout, so the writer's Writes fill its buffers (3.85 MB) and then block for 60 s before EPIPE",
		Citation: srcMPTCPClose + "; " + srcGvisorRST},
	{Behaviour: "nagle-delayed-ack", Differs: []string{"gvisor-netstack", XNU},
		Why:      "with Nagle on, Linux TCP holds the second small write until the first is acknowledged, and the peer delays that ACK (40 ms minimum): a stall; gVisor has Nagle but acknowledges every batch of segments at once (no delayed-ACK timer): no stall; XNU acknowledges at once when the application empties its buffer after a PSH segment; MPTCP refuses TCP_QUICKACK (ENOPROTOOPT), which the spec needs to put the replier in delayed-ACK mode, so it is unavailable there",
		Citation: "Linux include/net/tcp.h TCP_DELACK_MIN, net/ipv4/tcp_output.c tcp_nagle_check; gVisor pkg/tcpip/transport/tcp/snd.go sendData (Nagle: GetDelayOption), connect.go handleSegmentsLocked (\"Send an ACK for all processed packets if needed\"); Linux net/mptcp/sockopt.c mptcp_setsockopt (TCP_QUICKACK not in mptcp_supported_sockopt); xnu bsd/netinet/tcp_output.c tcp_output (TF_LAST_IS_PSH)"},
	{Behaviour: "close-with-unread-data", Differs: []string{"gvisor-netstack"},
		Why:      "every stack resets a connection closed with unread data, and the peer reads the queued data, then a reset, then EOF; its Writes then fail. gVisor's events are the same, but gonet's errors are strings (\"connection reset by peer\", \"endpoint is closed for send\"), not syscall.ECONNRESET and EPIPE: errors.Is against the errno is false",
		Citation: srcGonetErrors + "; Linux net/ipv4/tcp.c __tcp_close, net/mptcp/protocol.c __mptcp_close (mptcp_do_fastclose)"},
	{Behaviour: "abortive-close", Differs: []string{"gvisor-netstack"},
		Why:      "SO_LINGER {on, 0} resets on every stack (MPTCP sets it on its subflows); gVisor's errors are gonet's strings, as in close-with-unread-data",
		Citation: srcGonetErrors + "; Linux net/mptcp/sockopt.c mptcp_setsockopt_sol_socket_linger"},
	{Behaviour: "abortive-close-by-a", Differs: []string{"gvisor-netstack"},
		Why:      "as abortive-close, A closing",
		Citation: srcGonetErrors},
	{Behaviour: "close-read", Differs: []string{XNU}, Timing: []string{"gvisor-netstack"},
		Why:      "Linux sends nothing on SHUT_RD and keeps queueing what arrives, so A reads the peer's later bytes, then EOF; XNU drops queued and later data (SB_DROP) and answers it with RST; gVisor queues it as Linux does, but a Read that finds the queue empty returns EOF at once, so whether A reads the bytes first is timing (seen both ways)",
		Citation: "Linux net/ipv4/tcp.c tcp_recvmsg; gVisor pkg/tcpip/transport/tcp/endpoint.go readyToRead (queues after RcvClosed), checkReadLocked (ErrClosedForReceive once RcvBufUsed is 0 and RcvClosed); xnu bsd/kern/uipc_socket.c soshutdownlock_final (sorflush, SB_DROP)"},
	{Behaviour: "coalescing-splitting",
		Why:      "every stack copies across queued writes: small writes coalesce; how many reads a 1 MiB write takes varies with timing everywhere (2 to 12 seen)",
		Citation: "Linux net/ipv4/tcp.c tcp_recvmsg, net/mptcp/protocol.c __mptcp_recvmsg_mskq; gVisor pkg/tcpip/transport/tcp/endpoint.go Endpoint.Read (copies across the queued segments); xnu bsd/kern/uipc_socket.c soreceive"},
	{Behaviour: "closed-peer-errors", Differs: []string{"mptcp", "gvisor-netstack"},
		Why:      "Linux TCP: the FIN does not fail a Write, the RST it provokes fails the next (EPIPE); MPTCP: no reset for 60 s, every Write for the spec's second succeeds; gVisor: tens to hundreds of Writes succeed before the RST is handled, then gonet's \"endpoint is closed for send\"",
		Citation: srcMPTCPClose + "; " + srcGvisorRST + "; " + srcGonetErrors},
	{Behaviour: "write-timeout-usable",
		Why:      "a timed-out Write reports what the stack took, and the stream stays usable, on every stack",
		Citation: "Go src/internal/poll/fd_unix.go FD.Write; gVisor pkg/tcpip/adapters/gonet/gonet.go TCPConn.Write (returns nbytes with the timeout)"},
	{Behaviour: "pipe-buf-atomicity", Values: true,
		Why:      "whether two writers interleave in a TCP stream is timing (the socket lock is released while a Write waits for room); it needs a descriptor (gVisor has none)",
		Citation: "Linux net/ipv4/tcp.c tcp_sendmsg_locked (sk_stream_wait_memory), net/mptcp/protocol.c mptcp_sendmsg"},
	{Behaviour: "lifetimes",
		Why:      "no stack closes a half-closed or idle connection that both ends hold",
		Citation: "Linux net/ipv4/tcp_timer.c; gVisor pkg/tcpip/transport/tcp/connect.go keepaliveTimerExpired (probes a live peer answers); xnu bsd/netinet/tcp_timer.c"},
}
