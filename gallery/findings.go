package gallery

import (
	"github.com/streamspec/streamspec/internal/proxies"
	"github.com/streamspec/streamspec/internal/report"
)

// The sentences of other documents that findings quote more than once.
const (
	netConnDeadlines = `net.Conn's SetDeadline doc: "If the deadline is exceeded a call to Read or Write or to other I/O methods will return an error that wraps os.ErrDeadlineExceeded. ... The error's Timeout method will return true"`
	kcpNoFIN         = `README.md, "Connection Termination and Multiplexing": "KCP does not define TCP-style connection setup and teardown messages such as SYN/FIN/RST."`
	websocketClose   = `close.go, Conn.Close: "It will write a WebSocket close frame with a timeout of 5s and then wait 5s for the peer to send a close frame."`
	websocketDeadln  = `netconn.go, NetConn: "When a deadline is hit and there is an active read or write goroutine, the connection will be closed."`
)

// Findings explains every verdict of the gallery run that is not a plain
// pass: each failure, and each pass or unsupported that is wrong. make
// gallery fails on a failure without a finding and on a finding that no
// longer happens (Seen: text of the spec's message that tells this failure
// from another).
var Findings = []Finding{
	// hashicorp/yamux
	{Entry: "yamux", Behaviour: "read-deadline", Seen: `"i/o deadline reached" does not match os.ErrDeadlineExceeded`, Class: Nonconformance,
		Why:      "the timeout is a net.Error with Timeout() true that wraps nothing, so errors.Is(err, os.ErrDeadlineExceeded) is false",
		Citation: `const.go: ErrTimeout = &NetError{err: fmt.Errorf("i/o deadline reached"), timeout: true} (NetError has no Unwrap); README.md: "Stream implements net.Conn"; ` + netConnDeadlines},
	{Entry: "yamux", Behaviour: "write-deadline", Seen: `"i/o deadline reached" does not match os.ErrDeadlineExceeded`, Class: Nonconformance,
		Why:      "as read-deadline: Stream.write returns the same ErrTimeout",
		Citation: `stream.go, Stream.write: case <-timeout: return 0, ErrTimeout; const.go ErrTimeout`},

	// gVisor netstack (gonet)
	{Entry: "gvisor-netstack", Behaviour: "read-deadline", Seen: `i/o timeout" does not match os.ErrDeadlineExceeded`, Class: Nonconformance,
		Why:      "the timeout is a *net.OpError around gonet's own timeoutError, which has Timeout() true and wraps nothing, so errors.Is(err, os.ErrDeadlineExceeded) is false",
		Citation: `pkg/tcpip/adapters/gonet/gonet.go: "timeoutError is how the net package reports timeouts" (Error, Timeout, Temporary; no Unwrap or Is); commonRead returns errorer.newOpError("read", &timeoutError{}); ` + netConnDeadlines},
	{Entry: "gvisor-netstack", Behaviour: "write-deadline", Seen: `i/o timeout" does not match os.ErrDeadlineExceeded`, Class: Nonconformance,
		Why:      "as read-deadline: TCPConn.Write returns the same timeoutError",
		Citation: `pkg/tcpip/adapters/gonet/gonet.go, TCPConn.Write: case <-deadline: return nbytes, c.newOpError("write", &timeoutError{})`},
	{Entry: "gvisor-netstack", Behaviour: "concurrent-writes", Seen: "is not one whole Write", Class: Nonconformance, Intermittent: true,
		Why: "TCPConn.Write takes no lock: it loops over Endpoint.Write, which takes what fits in the send buffer and returns, so two Writes that each wait for room interleave " +
			"(a race: 5 runs of 5 tore a 1 MiB record, a later run did not); gonet's TCPConn says it implements net.Conn, whose methods may be called from several goroutines at once",
		Citation: `pkg/tcpip/adapters/gonet/gonet.go, TCPConn: "readMu serializes reads" (nothing serializes writes); TCPConn.Write: "Write may write fewer than the full number of bytes and return without error. In this case we need to try writing the remaining bytes again"; net.Conn doc: "Multiple goroutines may invoke methods on a Conn simultaneously."`},

	// quic-go
	{Entry: "quic-go", Behaviour: "close-unblocks", Seen: "blocked Write hung", Class: DesignChoice,
		Why:      "a Write blocked by flow control stays blocked through the full close (CancelRead, then Close): quic-go forbids Close during a Write; only CancelWrite, which discards unsent data, aborts it",
		Citation: `send_stream.go, SendStream.Close: "It must not be called concurrently with [SendStream.Write]."; SendStream.CancelWrite aborts sending`},

	// coder/websocket
	{Entry: "websocket", Behaviour: "read-deadline", Seen: "failed to get reader: context canceled", Class: DesignChoice,
		Why:      "an expired read deadline cancels the read and closes the connection: the error is context.Canceled, not a timeout, and the stream is gone",
		Citation: websocketDeadln},
	{Entry: "websocket", Behaviour: "write-deadline", Seen: "failed to write frame: context canceled", Class: DesignChoice,
		Why:      "as read-deadline, for a Write blocked by backpressure",
		Citation: websocketDeadln},

	// x/crypto/ssh
	{Entry: "ssh", Behaviour: "concurrent-writes", Seen: "is not one whole Write", OrSeen: []string{"EOF", "connection reset by peer", "broken pipe"}, Class: DesignChoice, Intermittent: true,
		Why: "concurrent Writes fill one shared packet buffer: records arrive torn, and one Write's bytes can be sent in place of another's " +
			"(tried: 512 Writes of 4 KiB, one record's bytes twice and six records' partly lost, in 1 of 3 runs); go test -race reports the race at " +
			"channel.go:288 and :292 (WriteExtended filling the shared packet). When one Write re-slices the packet while another's is being sent, " +
			"the length field no longer matches the payload: the peer's handleData rejects it (\"ssh: wrong packet length\"), its mux loop ends, " +
			"closes every channel and the connection, and whichever end notices first fails the spec: the reader gets EOF, within a record or between two, " +
			"a writer EOF, a reset or a broken pipe. Tried: 380 runs of the spec alone, 300 of them on an oversubscribed machine, gave 321 torn records, " +
			"29 reader EOFs, 18 writer EOFs, 10 resets, 2 broken pipes and no hang; in 80 of them the server's connection was watched, " +
			"and it ended with \"ssh: wrong packet length\" in 33. " +
			"The Channel docs do not say Write is unsafe for concurrent use; only this comment does",
		Citation: `channel.go:269-271, channel.WriteExtended: "We don't remove the buffer from packetPool, so WriteExtended calls from different goroutines will be flagged as errors by the race detector."; ` +
			`channel.go, channel.handleData: if length != uint32(len(data)) { return errors.New("ssh: wrong packet length") }; mux.go, mux.loop closes every channel (channel.close: c.pending.eof()) and the connection on that error`},
	{Entry: "ssh", Behaviour: "close-unblocks", Seen: "B.Read after Close returned", Class: Nonconformance,
		Why:      "Read after Close returns the channel's unread data with no error (Close itself returns io.EOF once the peer's close was answered, which is allowed)",
		Citation: `channel.go, channel.ReadExtended reads c.pending, which Close leaves in place: "we want to defer forwarding io.EOF to the caller of Read until the buffer has been drained"`},

	// xtaci/kcp-go, at its defaults: a fresh session moves 27.5 kB/s on loopback and speeds up over seconds
	{Entry: "kcp-go", Behaviour: "graceful-close", Seen: "B reads the last message hung", OrSeen: []string{"B.Read after the last byte hung"}, Class: DesignChoice,
		Why: "Close flushes once and stops the session at once, and KCP has no message that tells the peer: the peer never reads io.EOF, and what is still queued " +
			"beyond the congestion window is never sent (runs see one or the other: B's read of the last message before Close hangs, or the message arrives and the Read for EOF hangs)",
		Citation: `sess.go, UDPSession.Close: "try best to send all queued messages especially the data in txqueue": s.kcp.flush(IKCP_FLUSH_FULL); close(s.die), after which nothing is sent; ` + kcpNoFIN},
	{Entry: "kcp-go", Behaviour: "close-unblocks", Seen: "B.Read after Close", Class: Nonconformance,
		Why:      "Read after Close returns data still buffered instead of an error",
		Citation: `sess.go, UDPSession.Read: it returns s.read(b)'s buffered bytes before it looks at s.die (io.ErrClosedPipe)`},
	{Entry: "kcp-go", Behaviour: "read-deadline", Seen: `"timeout" (*errors.withStack) has no Timeout method`, Class: Nonconformance,
		Why:      "the timeout is wrapped by github.com/pkg/errors.WithStack, whose type has no Timeout method, and it does not wrap os.ErrDeadlineExceeded",
		Citation: `sess.go, UDPSession.Read: case <-s.readDeadline.Done(): return 0, errors.WithStack(errTimeout); timeoutError has no Unwrap; ` + netConnDeadlines},
	{Entry: "kcp-go", Behaviour: "write-deadline", Seen: `"timeout" (*errors.withStack) has no Timeout method`, Class: Nonconformance,
		Why:      "as read-deadline",
		Citation: `sess.go, UDPSession.WriteBuffers: return 0, errors.WithStack(errTimeout)`},
	{Entry: "kcp-go", Behaviour: "write-to-closed-peer", Seen: "A.Write to a closed peer hung", Class: DesignChoice,
		Why:      "the writer never learns that the peer closed: Writes go on until the send window is full, then block",
		Citation: kcpNoFIN},

	// Proxies (proxies.go): each failure is the configuration's, and its
	// entry's Shows names the option that fixes it.
	{Entry: "nginx", Behaviour: "half-close", Seen: "the reply to A's half-close was cut short", Class: DesignChoice,
		Why:      "a half-close closes both directions: B's reply fails, or A reads EOF instead of it, as the race goes (proxy_half_close is off by default; nginx-half-close turns it on and passes)",
		Citation: nginxHalfClose},
	{Entry: "nginx", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 0.0", OrSeen: []string{"A read EOF 0.1"}, Class: DesignChoice,
		Why:      "as half-close: A's half-close ends the connection at once, so no reply can follow it (fixed by proxy_half_close on)",
		Citation: nginxHalfClose},
	{Entry: "haproxy-server-fin-500ms", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 0.5", OrSeen: []string{"A read EOF 0.4", "A read EOF 0.6", "A read EOF 0.7"}, Class: DesignChoice,
		Why:      "timeout server-fin 500ms cuts a connection the client half-closed once the server has been silent 0.5 s: the reply after 1 s is lost (fixed by no server-fin shorter than the longest silence, timeout tunnel covering it)",
		Citation: haproxyFin},
	{Entry: "nginx-timeout-500ms", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 0.5", OrSeen: []string{"A read EOF 0.4", "A read EOF 0.6", "A read EOF 0.7"}, Class: DesignChoice,
		Why:      "proxy_timeout 500ms closes a connection that carried nothing for 0.5 s, half-closed or not (fixed by a proxy_timeout above the longest silence; the default is 10 min)",
		Citation: nginxTimeout},
	{Entry: "tinyproxy", Behaviour: "half-close", Seen: "the reply to A's half-close was cut short", Class: Nonconformance,
		Why:      "an EOF from either side ends the tunnel: tinyproxy shuts down both directions and closes, so A reads EOF instead of the reply, or B's reply fails, as the race goes; no setting keeps a half-closed tunnel open",
		Citation: tinyproxyRelay},
	{Entry: "tinyproxy", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 0.0", OrSeen: []string{"A read EOF 0.1"}, Class: Nonconformance,
		Why:      "as half-close: A's half-close ends the tunnel at once, so no reply can follow it",
		Citation: tinyproxyRelay},
	{Entry: "tinyproxy-timeout-1", Behaviour: "half-close", Seen: "the reply to A's half-close was cut short", Class: Nonconformance,
		Why:      "as tinyproxy's: the half-close ends the tunnel whatever the Timeout",
		Citation: tinyproxyRelay},
	{Entry: "tinyproxy-timeout-1", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 0.0", OrSeen: []string{"A read EOF 0.1"}, Class: Nonconformance,
		Why:      "as tinyproxy's",
		Citation: tinyproxyRelay},
	{Entry: "dante-tcp-fin-wait-1", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 1.0", OrSeen: []string{"A read EOF 0.9", "A read EOF 1.1", "B could not reply"}, Class: DesignChoice, Intermittent: true,
		Why:      "timeout.tcp_fin_wait: 1 closes a half-closed connection after 1 s, the very silence the spec keeps before its reply: whichever comes first wins, and when the timeout does, A reads EOF or B's reply finds the connection gone (fixed by a timeout.tcp_fin_wait longer than the longest reply time, or 0, the default: none)",
		Citation: proxies.DanteFinWait},
	{Entry: "dante-timeout-io-1", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 1.0", OrSeen: []string{"A read EOF 0.9", "A read EOF 1.1", "B could not reply"}, Class: DesignChoice, Intermittent: true,
		Why:      "timeout.io: 1 closes a connection idle for 1 s, the very silence the spec keeps before its reply: whichever comes first wins (fixed by a timeout.io longer than the longest silence, or 0, the default: none)",
		Citation: proxies.DanteIO},
	{Entry: "stunnel-timeoutclose-1", Behaviour: "half-close-reply-after-silence", Seen: "A read EOF 1.0", OrSeen: []string{"A read EOF 1.1", "B could not reply"}, Class: DesignChoice, Intermittent: true,
		Why:      "TIMEOUTclose = 1 closes a half-closed connection after 1 s, the very silence the spec keeps before its reply: whichever comes first wins, and when the timeout does, A reads EOF or B's reply finds the connection gone (fixed by a TIMEOUTclose longer than the longest reply time)",
		Citation: stunnelClose},

	// xtaci/smux, DefaultConfig: version 1, 32 KiB frames
	{Entry: "smux", Behaviour: "concurrent-writes", Seen: "is not one whole Write", Class: DesignChoice,
		Why:      "a Write larger than a frame goes out as MaxFrameSize (32 KiB) frames, each queued on its own, so concurrent Writes interleave between frames: a record of 32 KiB + 1 B or more is torn at byte 32768",
		Citation: `stream.go, stream.Write: "Note that the behavior when multiple goroutines write concurrently is not deterministic, frames may interleave in random way."; stream.go writeV1: one writeFrameInternal per s.frameSize piece; mux.go DefaultConfig MaxFrameSize: 32768`},
	{Entry: "smux", Behaviour: "close-unblocks", Seen: "A.Close hung", Class: Nonconformance,
		Why: "Close queues its FIN behind the stream's unsent frames and waits up to 30 s for it to be written; the blocked Write waits for the session, " +
			"not the stream (tried: Close returned smux's timeout error after 30.0 s, and the Write was still blocked 5 s later)",
		Citation: `stream.go, stream.Close: s.sess.writeFrameInternal(f, timer.C, CLSDATA) with session.go openCloseTimeout = 30 * time.Second; Session.writeFrameInternal selects on s.die of the session only`},
	{Entry: "smux", Behaviour: "read-deadline", Seen: `"timeout" does not match os.ErrDeadlineExceeded`, Class: Nonconformance,
		Why:      "the timeout is a net.Error with Timeout() true that wraps nothing",
		Citation: `session.go: ErrTimeout net.Error = &timeoutError{} (no Unwrap); stream.go: "Stream implements net.Conn"; ` + netConnDeadlines},
	{Entry: "smux", Behaviour: "write-deadline", Seen: "given a 10 ms deadline (ignored deadline?) hung", Class: Nonconformance,
		Why:      "a deadline set while a Write is blocked does not apply to it: Write reads the deadline once, when it starts (and when one applies, its error wraps nothing, as for read-deadline)",
		Citation: `stream.go, stream.writeV1: "create write deadline timer" from s.writeDeadline.Load() before the frame loop, never again; net.Conn's SetWriteDeadline doc: "sets the deadline for future Write calls and any currently-blocked Write call"`},
	{Entry: "smux", Behaviour: "write-timeout-usable", Verdict: report.Pass, Seen: "then corrupt", Class: Nonconformance,
		Why:      "a Write that times out after handing a frame to the session's send loop returns 0 for that frame, and the send loop still sends it: the peer gets bytes the Write did not report, so writing the rest again duplicates them (the observed spec records corrupt)",
		Citation: smuxTimedOutFrame},
	{Entry: "smux", Behaviour: "write-timeout-intact-or-dead", Seen: "the stream went on corrupt", Class: Nonconformance,
		Why:      "after a Write times out the stream takes later Writes and hands the reader bytes the timed-out Write did not report: the frame it returned 0 for is still sent, then the rest again",
		Citation: smuxTimedOutFrame},
	{Entry: "smux", Behaviour: "write-to-closed-peer", Seen: "Writes to a closed peer succeeded", Class: DesignChoice,
		Why:      "the protocol has no reset: the peer's session drops data for a closed stream, and the writer is never told",
		Citation: `README.md, Specification: the commands are SYN, FIN, PSH, NOP, UPD; session.go, Session.recvLoop, case cmdPSH: "data directed to a missing/closed stream, recycle the buffer immediately."`},
}

// smuxTimedOutFrame is where smux's timed-out Write reports 0 for a frame
// its send loop still sends.
const smuxTimedOutFrame = `session.go, Session.writeFrameInternal: after s.shaper <- req, case <-deadline: "Cannot recycle channel here - sendLoop may still write to it"; return 0, ErrTimeout; stream.go writeV1: sent += n`
