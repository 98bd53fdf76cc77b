package expect

import (
	"fmt"
	"slices"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/units"
)

// A CapacityRule is what a capacity measurement of some kinds of
// transport must satisfy on one OS, with where that is known from.
type CapacityRule struct {
	GOOS  string
	Kinds []harness.Kind
	Rule  string // what it requires, in words: the Check's Want
	Provenance
	// holds reports whether c satisfies the rule, and what c showed.
	holds func(c measure.Capacity) (bool, string)
}

// CapacityRules are the rules the capacity spec checks on every sample
// measured with kernel descriptors (MethodSyscall), except the net-pipe
// rule, which any method checks.
var CapacityRules = []CapacityRule{
	{GOOS: "linux", Kinds: []harness.Kind{harness.KindTCP, harness.KindUnix, harness.KindPipe}, Rule: "conserved",
		Provenance: linux("net/ipv4/tcp.c tcp_ioctl SIOCINQ/SIOCOUTQ, net/unix/af_unix.c unix_ioctl, fs/pipe.c pipe_ioctl FIONREAD count every queued byte"), holds: conserved},
	{GOOS: "linux", Kinds: []harness.Kind{harness.KindPipe}, Rule: "exactly F_GETPIPE_SZ",
		Provenance: linux("fs/pipe.c pipe_write fills exactly max_usage pages, the size F_GETPIPE_SZ reports"), holds: func(c measure.Capacity) (bool, string) {
			return c.AcceptedBytes == c.PipeSize, fmt.Sprintf("%s accepted, F_GETPIPE_SZ %s", units.Bytes(c.AcceptedBytes), units.Bytes(c.PipeSize))
		}},
	{GOOS: "darwin", Kinds: []harness.Kind{harness.KindUnix, harness.KindPipe}, Rule: "conserved",
		Provenance: FromSource("xnu bsd/kern/uipc_socket.c sogetoptlock SO_NREAD (sb_cc of the receiver, where uipc_usrreq.c uipc_send puts a Unix socket's data), bsd/kern/sys_pipe.c pipe_ioctl FIONREAD"), holds: conserved},
	{GOOS: "darwin", Kinds: []harness.Kind{harness.KindPipe}, Rule: "at most 65 536 B",
		Provenance: FromSource("xnu bsd/kern/sys_pipe.c choose_pipespace: a pipe starts at 512 B and pipe_write grows it, to at most PIPE_SIZE * 4 (bsd/sys/pipe.h BIG_PIPE_SIZE 64 KiB)"), holds: func(c measure.Capacity) (bool, string) {
			return c.AcceptedBytes <= 64<<10, units.Bytes(c.AcceptedBytes) + " accepted"
		}},
	{GOOS: "darwin", Kinds: []harness.Kind{harness.KindUnix}, Rule: "at most the sender's SO_SNDBUF",
		Provenance: FromSource("xnu bsd/kern/uipc_usrreq.c uipc_send lowers the sender's sb_hiwat by what the receiver holds; uipc_socket.c sogetoptlock SO_SNDBUF adds it back"), holds: func(c measure.Capacity) (bool, string) {
			return c.SoSndbuf <= 0 || c.AcceptedBytes <= c.SoSndbuf, fmt.Sprintf("%s accepted, SO_SNDBUF %s", units.Bytes(c.AcceptedBytes), units.Bytes(c.SoSndbuf))
		}},
}

// netPipeRule: the built-in net-pipe (net.Pipe) holds nothing; other
// in-memory transports may buffer as they like.
func netPipeRule(goos string) CapacityRule {
	p := FromSource("Go src/net/pipe.go: every Write waits for a Read")
	if goos == "linux" {
		p = linux("Go src/net/pipe.go: every Write waits for a Read")
	}
	return CapacityRule{GOOS: goos, Kinds: []harness.Kind{harness.KindMemory}, Rule: "0 B accepted", Provenance: p, holds: func(c measure.Capacity) (bool, string) {
		return c.AcceptedBytes == 0, units.Bytes(c.AcceptedBytes) + " accepted"
	}}
}

func conserved(c measure.Capacity) (bool, string) {
	return c.Conserved, fmt.Sprintf("accepted %s, %s = %s (sender %s, of which unsent %s, in flight %s; receiver %s)",
		units.Bytes(c.AcceptedBytes), c.Accounting, units.Bytes(c.AccountedBytes), units.Digits(c.SenderQueuedBytes), units.Digits(c.SenderUnsentBytes),
		units.Digits(c.InFlightBytes), units.Digits(c.ReceiverQueuedBytes))
}

// CheckCapacity compares a capacity measurement of a transport of the
// declared kind with the CapacityRules for goos; none apply to TCP on
// macOS (SO_NWRITE counts unacknowledged bytes the receiver may also
// hold: no exact sum) or to other kinds and methods. The error is not an
// expectation but the declaration being wrong: a kernel kind whose
// writer's descriptor is of another kind.
func CheckCapacity(goos string, kind harness.Kind, c measure.Capacity) ([]Check, error) {
	const netPipeName = "net-pipe"
	check := func(r CapacityRule) Check {
		ok, detail := r.holds(c)
		got := r.Rule
		if !ok {
			got = "violated"
		}
		ch := NewCheck(catalogue.CapacityDecomposition.ID, c.Transport, goos, r.Rule, got, []string{r.Rule}, r.Provenance)
		ch.Detail = detail
		return ch
	}
	if kind == harness.KindMemory && c.Transport == netPipeName {
		return []Check{check(netPipeRule(goos))}, nil
	}
	if !kernel.Probeable(kind) || c.Method != measure.MethodSyscall {
		return nil, nil
	}
	if c.Kind != kind {
		return nil, fmt.Errorf("declared %s, but the writer's descriptor is %q", kind, c.Kind)
	}
	var checks []Check
	for _, r := range CapacityRules {
		if r.GOOS == goos && slices.Contains(r.Kinds, kind) {
			checks = append(checks, check(r))
		}
	}
	return checks, nil
}

// CheckWakeup compares a wake-up measurement with the readiness rule the
// kernel source gives for kind on goos (Linux only; nil elsewhere).
// pageSize is the OS page size (os.Getpagesize).
func CheckWakeup(goos string, kind harness.Kind, pageSize int64, w measure.Wakeup) error {
	if w.WakeupAfterBytes < 0 {
		return fmt.Errorf("draining all %d accepted bytes never woke the writer", w.AcceptedBytes)
	}
	if goos != "linux" {
		return nil
	}
	switch kind {
	case harness.KindPipe:
		// fs/pipe.c pipe_poll: writable once a slot is free; pipe_read frees
		// a slot when a whole page buffer is consumed.
		if w.WakeupAfterBytes != pageSize {
			return fmt.Errorf("pipe writer woke after %s drained, want one page (%s): fs/pipe.c pipe_poll", units.Bytes(w.WakeupAfterBytes), units.Bytes(pageSize))
		}
	case harness.KindUnix:
		// net/unix/af_unix.c unix_writable: sk_wmem_alloc << 2 <= sk_sndbuf;
		// SIOCOUTQ reports sk_wmem_alloc for a Unix socket.
		if !(4*w.SenderQueuedAt <= w.SoSndbuf && 4*w.SenderQueuedBefore > w.SoSndbuf) {
			return fmt.Errorf("the Unix socket's writer woke with %s charged (before the last step %s), want the first step at or below SO_SNDBUF/4 = %s: net/unix/af_unix.c unix_writable",
				units.Bytes(w.SenderQueuedAt), units.Bytes(w.SenderQueuedBefore), units.Bytes(w.SoSndbuf/4))
		}
	case harness.KindTCP:
		// include/net/sock.h sk_stream_is_writeable: free space >= half
		// the queued bytes, so queued <= 2/3 SO_SNDBUF. SIOCOUTQ (payload)
		// is at most sk_wmem_queued (payload plus overhead). Both are read
		// after the readiness, while the writer is idle: the queue can only
		// have shrunk since, and SO_SNDBUF only grown (tcp_sndbuf_expand), so
		// a preempted probe still satisfies the rule; SO_SNDBUF as it was
		// when the writer blocked may be smaller (SoSndbufBlocked).
		if 3*w.SenderQueuedAt > 2*w.SoSndbuf {
			return fmt.Errorf("TCP writer woke with %s queued, more than 2/3 of SO_SNDBUF %s read with it (%s when it blocked): include/net/sock.h sk_stream_is_writeable",
				units.Bytes(w.SenderQueuedAt), units.Bytes(w.SoSndbuf), units.Bytes(w.SoSndbufBlocked))
		}
	}
	return nil
}

// WakeupRule names the kernel's readiness rule that every sample of a
// wake-up satisfied, for the kind of the writer's descriptor on goos:
// the categorical outcome a report compares, where the bytes drained vary
// with the timing of window updates. "" where no rule is known (not
// Linux, another kind) or a sample broke it.
func WakeupRule(goos string, kind harness.Kind, pageSize int64, samples []measure.Wakeup) string {
	rule := map[harness.Kind]string{
		harness.KindPipe: "writable once a page is freed",
		harness.KindUnix: "writable at a quarter of SO_SNDBUF charged",
		harness.KindTCP:  "writable at two thirds of SO_SNDBUF queued",
	}[kind]
	if goos != "linux" || rule == "" || len(samples) == 0 {
		return ""
	}
	for _, w := range samples {
		if CheckWakeup(goos, kind, pageSize, w) != nil {
			return ""
		}
	}
	return rule
}
