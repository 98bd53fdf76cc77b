package harness

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Knobs a Sweep varies.
const (
	KnobSndbuf   = "so_sndbuf" // the writer's SO_SNDBUF, the reader's SO_RCVBUF fixed
	KnobRcvbuf   = "so_rcvbuf" // the reader's SO_RCVBUF, the writer's SO_SNDBUF fixed
	KnobPipeSize = "pipe_size" // F_SETPIPE_SZ on the pipe written
)

// Responses of capacity to a knob, as Sweep.Response classifies them.
const (
	Follows = "follows" // each setting accepts more than the one below, the largest at least 1.5 times the smallest
	Ignores = "ignores" // every setting within 10% of the first
	Mixed   = "mixed"   // neither
)

// Response classifies how the accepted bytes respond to the knob; the
// points must be in increasing order of setting.
func (s Sweep) Response() string {
	if len(s.Points) < 2 {
		return Mixed
	}
	first, last := s.Points[0].AcceptedBytes, s.Points[len(s.Points)-1].AcceptedBytes
	rising := first > 0 && 2*last >= 3*first
	steady := true
	for i, p := range s.Points {
		if i > 0 && p.AcceptedBytes <= s.Points[i-1].AcceptedBytes {
			rising = false
		}
		if d := p.AcceptedBytes - first; 10*max(d, -d) > first {
			steady = false
		}
	}
	switch {
	case rising:
		return Follows
	case steady:
		return Ignores
	}
	return Mixed
}

// KnobExpectation is what the kernel source says a built-in kind of
// transport does with a knob on one OS.
type KnobExpectation struct {
	GOOS     string
	Kind     Kind
	Knob     string
	Response string // Follows or Ignores
	Source   string // file and function in the kernel source
	Inferred bool   // read from source, unconfirmed until a run on that OS
}

// Inferred expectations hold for macOS until its CI leg runs them.
const inferredNote = "inferred from XNU source, unconfirmed until the macOS CI leg runs"

// KnobExpectations are the knob rules the sweeps assert.
var KnobExpectations = []KnobExpectation{
	{"linux", KindTCP, KnobSndbuf, Follows, "net/ipv4/tcp.c tcp_sendmsg_locked waits in sk_stream_wait_memory while sk_wmem_queued >= sk_sndbuf", false},
	{"linux", KindTCP, KnobRcvbuf, Follows, "net/ipv4/tcp_output.c __tcp_select_window: the advertised window is the receiver's free sk_rcvbuf space", false},
	{"linux", KindUnix, KnobSndbuf, Follows, "net/unix/af_unix.c unix_stream_sendmsg allocates skbs on the sender (sock_alloc_send_pskb) against its sk_sndbuf", false},
	{"linux", KindUnix, KnobRcvbuf, Ignores, "net/unix/af_unix.c unix_stream_sendmsg never reads the receiver's sk_rcvbuf", false},
	{"linux", KindPipe, KnobPipeSize, Follows, "fs/pipe.c pipe_write stops at pipe_full(head, tail, max_usage); F_SETPIPE_SZ sets max_usage (pipe_set_size)", false},
	{"darwin", KindTCP, KnobSndbuf, Follows, "bsd/kern/uipc_socket.c sosend waits while sbspace(&so->so_snd) is short", true},
	{"darwin", KindTCP, KnobRcvbuf, Follows, "bsd/netinet/tcp_output.c: the advertised window is sbspace(&so->so_rcv)", true},
	{"darwin", KindUnix, KnobSndbuf, Follows, "bsd/kern/uipc_usrreq.c uipc_send lowers the sender's sb_hiwat by what the receiver holds", true},
	{"darwin", KindUnix, KnobRcvbuf, Ignores, "bsd/kern/uipc_usrreq.c uipc_send appends to the receiver even when full (SB_UNIX)", true},
}

// ExpectedKnob finds the expectation for kind and knob on goos.
func ExpectedKnob(goos string, kind Kind, knob string) (KnobExpectation, bool) {
	i := slices.IndexFunc(KnobExpectations, func(e KnobExpectation) bool {
		return e.GOOS == goos && e.Kind == kind && e.Knob == knob
	})
	if i < 0 {
		return KnobExpectation{}, false
	}
	return KnobExpectations[i], true
}

// CheckSweep compares a sweep with the expectation for kind on goos; nil
// when there is none.
func CheckSweep(goos string, kind Kind, s Sweep) error {
	e, ok := ExpectedKnob(goos, kind, s.Knob)
	if !ok {
		return nil
	}
	if got := s.Response(); got != e.Response {
		return fmt.Errorf("%s on %s: capacity %s %s (%s), but the kernel source says it %s: %s%s",
			kind, goos, got, s.Knob, s.describe(), e.Response, e.Source, inferred(e.Inferred))
	}
	if s.Knob == KnobPipeSize && goos == "linux" {
		for _, p := range s.Points {
			if p.AcceptedBytes != p.Extra["pipe_size"] {
				return fmt.Errorf("pipe of F_GETPIPE_SZ %d accepted %d bytes, want exactly its size (%s)",
					p.Extra["pipe_size"], p.AcceptedBytes, e.Source)
			}
		}
	}
	return nil
}

func (s Sweep) describe() string {
	var parts []string
	for _, p := range s.Points {
		parts = append(parts, fmt.Sprintf("%s -> %s B", Bytes(p.Setting), Bytes(p.AcceptedBytes)))
	}
	return strings.Join(parts, ", ")
}

func inferred(yes bool) string {
	if yes {
		return " (" + inferredNote + ")"
	}
	return ""
}

// CheckCapacity compares a capacity measurement of a transport of the
// declared kind with what the kernel source says, on goos. It returns nil
// where nothing is expected. Linux: a kernel TCP socket, pipe or Unix
// stream socket conserves every byte, and a pipe holds exactly its
// F_GETPIPE_SZ; the built-in net-pipe (net.Pipe) holds nothing (other
// in-memory transports may buffer as they like). macOS
// (inferred): pipes and Unix sockets conserve every byte, a pipe holds at
// most 64 KiB (bsd/kern/sys_pipe.c BIG_PIPE_SIZE) and a Unix socket at
// most the sender's SO_SNDBUF.
func CheckCapacity(goos string, kind Kind, c Capacity) error {
	const netPipeName = "net-pipe"
	if kind == KindMemory && c.Transport == netPipeName && c.AcceptedBytes != 0 {
		return fmt.Errorf("%s accepted %d bytes with no reader; net.Pipe has no buffer (src/net/pipe.go)", c.Transport, c.AcceptedBytes)
	}
	if !kind.Kernel() || c.Method != MethodSyscall {
		return nil
	}
	if c.Kind != kind {
		return fmt.Errorf("declared %s, but the writer's descriptor is %q", kind, c.Kind)
	}
	switch goos {
	case "linux":
	case "darwin":
		if kind == KindTCP {
			return nil // SO_NWRITE counts unacknowledged bytes the receiver may hold: no exact sum
		}
	default:
		return nil
	}
	var errs []error
	if !c.Conserved {
		errs = append(errs, fmt.Errorf("not conserved: accepted %d bytes, but %s = %d (sender %d, of which unsent %d, in flight %d; receiver %d)%s",
			c.AcceptedBytes, c.Accounting, c.AccountedBytes, c.SenderQueuedBytes, c.SenderUnsentBytes, c.InFlightBytes,
			c.ReceiverQueuedBytes, inferred(goos == "darwin")))
	}
	switch {
	case goos == "linux" && kind == KindPipe && c.AcceptedBytes != c.PipeSize:
		errs = append(errs, fmt.Errorf("pipe accepted %d bytes, F_GETPIPE_SZ is %d", c.AcceptedBytes, c.PipeSize))
	case goos == "darwin" && kind == KindPipe && c.AcceptedBytes > 64<<10:
		errs = append(errs, fmt.Errorf("pipe accepted %d bytes, more than BIG_PIPE_SIZE 65536%s", c.AcceptedBytes, inferred(true)))
	case goos == "darwin" && kind == KindUnix && c.SoSndbuf > 0 && c.AcceptedBytes > c.SoSndbuf:
		errs = append(errs, fmt.Errorf("Unix socket accepted %d bytes, more than the sender's SO_SNDBUF %d%s", c.AcceptedBytes, c.SoSndbuf, inferred(true)))
	}
	return errors.Join(errs...)
}

// CheckWakeup compares a wake-up measurement with the readiness rule the
// kernel source gives for kind on goos (Linux only; nil elsewhere).
// pageSize is the OS page size (os.Getpagesize).
func CheckWakeup(goos string, kind Kind, pageSize int64, w Wakeup) error {
	if w.WakeupAfterBytes < 0 {
		return fmt.Errorf("draining all %d accepted bytes never woke the writer", w.AcceptedBytes)
	}
	if goos != "linux" {
		return nil
	}
	switch kind {
	case KindPipe:
		// fs/pipe.c pipe_poll: writable once a slot is free; pipe_read frees
		// a slot when a whole page buffer is consumed.
		if w.WakeupAfterBytes != pageSize {
			return fmt.Errorf("pipe writer woke after %d bytes drained, want one page (%d): fs/pipe.c pipe_poll", w.WakeupAfterBytes, pageSize)
		}
	case KindUnix:
		// net/unix/af_unix.c unix_writable: sk_wmem_alloc << 2 <= sk_sndbuf;
		// SIOCOUTQ reports sk_wmem_alloc for a Unix socket.
		if !(4*w.SenderQueuedAt <= w.SoSndbuf && 4*w.SenderQueuedBefore > w.SoSndbuf) {
			return fmt.Errorf("Unix writer woke with %d bytes charged (before the last step %d), want the first step at or below SO_SNDBUF/4 = %d: net/unix/af_unix.c unix_writable",
				w.SenderQueuedAt, w.SenderQueuedBefore, w.SoSndbuf/4)
		}
	case KindTCP:
		// include/net/sock.h sk_stream_is_writeable: free space >= half
		// the queued bytes, so queued <= 2/3 SO_SNDBUF. SIOCOUTQ (payload)
		// is at most sk_wmem_queued (payload plus overhead). Both are read
		// after the readiness, while the writer is idle: the queue can only
		// have shrunk since, and SO_SNDBUF only grown (tcp_sndbuf_expand), so
		// a preempted probe still satisfies the rule; SO_SNDBUF as it was
		// when the writer blocked may be smaller (SoSndbufBlocked).
		if 3*w.SenderQueuedAt > 2*w.SoSndbuf {
			return fmt.Errorf("TCP writer woke with %d bytes queued, more than 2/3 of SO_SNDBUF %d read with it (%d when it blocked): include/net/sock.h sk_stream_is_writeable",
				w.SenderQueuedAt, w.SoSndbuf, w.SoSndbufBlocked)
		}
	}
	return nil
}

// Bytes formats n with thin groups of three digits: "4 264 448".
func Bytes(n int64) string {
	s := fmt.Sprint(max(n, -n))
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
