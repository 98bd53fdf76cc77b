package goroutine

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

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
