package harness

import (
	"bytes"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// WriterBlocked reports whether the kernel has no room for what w writes:
// the descriptor w writes stays unwritable (poll(2) without POLLOUT, the
// readiness that wakes a Write parked in Go's poller) for quiet, and the
// queues between w and its peer r (w's send queue, r's receive queue) do
// not move meanwhile. A writer that was merely preempted leaves room
// behind, so this is evidence that a pending Write cannot go on, where
// "no progress for a while" is only a guess. It returns ErrNoDescriptor
// when w or r has no descriptor, and an error where the platform cannot
// poll. Only for endpoints that write straight to their descriptor (kernel
// transports): behind a relay or a user-space layer, a full socket says
// nothing about the layer in between.
func WriterBlocked(w, r net.Conn, quiet time.Duration) (bool, error) {
	_, wrc := RawConns(w)
	rrc, _ := RawConns(r)
	if wrc == nil || rrc == nil {
		return false, ErrNoDescriptor
	}
	before, err := probeRaw(wrc, rrc)
	if err != nil && before.Kind == "" {
		return false, err
	}
	ready, err := waitWritable(wrc, quiet)
	if err != nil || ready {
		return false, err
	}
	after, _ := probeRaw(wrc, rrc)
	return !after.moved(before), nil
}

// GoroutineID returns the calling goroutine's ID, for Parked.
func GoroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(b[:max(0, bytes.IndexByte(b, ' '))]), 10, 64)
	return id
}

// Parked reports whether goroutine id is waiting for something (a channel,
// a lock, a timer, network I/O), as the scheduler's goroutine dump says.
// A goroutine that was preempted is runnable, not parked: a writer that is
// parked and makes no progress waits for its transport, not for a CPU. The
// dump's "goroutine N [state]:" headers are the format go.uber.org/goleak
// parses too.
func Parked(id uint64) bool {
	buf := make([]byte, 256<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	head := []byte("goroutine " + strconv.FormatUint(id, 10) + " ")
	i := bytes.Index(buf, head)
	for i > 0 && buf[i-1] != '\n' {
		j := bytes.Index(buf[i+1:], head)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	if i < 0 {
		return false
	}
	line := buf[i:]
	line = line[:max(0, bytes.IndexByte(line, '\n'))]
	open, end := bytes.IndexByte(line, '['), bytes.IndexByte(line, ']')
	if open < 0 || end < open {
		return false
	}
	state, _, _ := strings.Cut(string(line[open+1:end]), ",") // "IO wait, 2 minutes"
	for _, waiting := range parkedStates {
		if strings.HasPrefix(state, waiting) {
			return true
		}
	}
	return false
}

// parkedStates are the goroutine states (runtime/runtime2.go waitReason
// strings) of a goroutine waiting for another party; "running",
// "runnable", "syscall" and the GC's states are not among them.
var parkedStates = []string{"IO wait", "select", "chan send", "chan receive", "sync.", "semacquire", "sleep"}
