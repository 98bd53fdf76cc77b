// Package goroutine reads the scheduler's evidence about goroutines: which
// are waiting for another party and which can still move. A call that
// makes no progress while its goroutine waits, and nothing else in the
// process can run, blocks; one whose goroutine is runnable merely waits
// for a CPU, however long a busy machine keeps it waiting.
//
// The evidence comes from runtime.Stack's dump, whose "goroutine N
// [state]:" headers are the format go.uber.org/goleak parses too; the
// states are the runtime's waitReason strings (runtime/runtime2.go).
package goroutine

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// ID returns the calling goroutine's ID.
func ID() uint64 {
	var buf [64]byte
	id, _, _ := header(buf[:runtime.Stack(buf[:], false)])
	return id
}

// G is one goroutine as the dump shows it.
type G struct {
	State string // "chan receive", "IO wait", "select, 2 minutes", "running"
	Top   string // the function it is in, e.g. "os/signal.signal_recv"
}

// Snapshot is every goroutine by ID, at one moment.
type Snapshot map[uint64]G

// All returns every goroutine by ID.
func All() Snapshot {
	out := Snapshot{}
	for _, g := range bytes.Split(dump(), []byte("\n\n")) {
		if id, state, top := header(g); state != "" {
			out[id] = G{State: state, Top: top}
		}
	}
	return out
}

// In returns the goroutines with fn on their stack, a function's name as
// the dump prints it ("pkg.(*T).method(").
func In(fn string) []G {
	var out []G
	for _, g := range bytes.Split(dump(), []byte("\n\n")) {
		if _, state, top := header(g); state != "" && bytes.Contains(g, []byte(fn)) {
			out = append(out, G{State: state, Top: top})
		}
	}
	return out
}

// Waiting reports whether a goroutine in this state waits for another
// party and makes no progress on its own: a channel, a select, network
// I/O, a lock or condition another goroutine holds, or, for the runtime's
// own helpers, work. One that is running, runnable, in a system call or
// asleep (a timer will wake it) is not waiting.
func (g G) Waiting() bool {
	state, _, _ := strings.Cut(g.State, ",") // "select, 2 minutes", "IO wait, locked to thread"
	for _, p := range waitingStates {
		if strings.HasPrefix(state, p) {
			return true
		}
	}
	return strings.HasSuffix(state, "(idle)") || strings.HasSuffix(state, " wait") // "GC worker (idle)", "finalizer wait"
}

// waitingStates begin the waitReason strings of a goroutine waiting for
// another party (runtime/runtime2.go waitReasonStrings).
var waitingStates = []string{"chan send", "chan receive", "select", "IO wait", "sync.", "semacquire"}

// Parked reports whether goroutine id is waiting (Waiting) or asleep. A
// writer that is parked and makes no progress waits for its transport,
// which may be pacing it with a timer, not for a CPU.
func Parked(id uint64) bool { return All().Parked(id) }

// Parked is Parked, in the snapshot.
func (s Snapshot) Parked(id uint64) bool {
	g, ok := s[id]
	return ok && (g.Waiting() || strings.HasPrefix(g.State, "sleep"))
}

// Still reports whether nothing in the process but the caller can move:
// every other goroutine is Waiting. Then only an outside event can wake
// one: a timer firing (time.AfterFunc, a timer channel in a select), a
// descriptor becoming ready, a signal. A goroutine asleep, runnable or
// running, or in a system call, could move by itself; the one that
// receives signals (os/signal.signal_recv, in a system call for good) is
// left out.
func Still() bool { return All().Still(ID()) }

// Still is Still, in the snapshot, for the goroutine self that looks.
func (s Snapshot) Still(self uint64) bool {
	for id, g := range s {
		if id != self && !g.Waiting() && g.Top != "os/signal.signal_recv" {
			return false
		}
	}
	return true
}

// Settling reports whether a goroutine other than the caller that did not
// exist in baseline can still move by itself: until none can, what a spec
// left behind may still be going.
func Settling(baseline Snapshot) bool {
	self := ID()
	for id, g := range All() {
		if _, old := baseline[id]; !old && id != self && !g.Waiting() {
			return true
		}
	}
	return false
}

// dump is every goroutine's stack.
func dump() []byte {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// header reads "goroutine 42 [chan receive]:" and the function on the
// next line at the start of a stack.
func header(g []byte) (id uint64, state, top string) {
	rest, ok := bytes.CutPrefix(g, []byte("goroutine "))
	if !ok {
		return 0, "", ""
	}
	num, rest, ok := bytes.Cut(rest, []byte(" ["))
	st, rest, ok2 := bytes.Cut(rest, []byte("]"))
	id, err := strconv.ParseUint(string(num), 10, 64)
	if !ok || !ok2 || err != nil {
		return 0, "", ""
	}
	if _, frame, ok := bytes.Cut(rest, []byte("\n")); ok {
		frame, _, _ = bytes.Cut(frame, []byte("\n"))
		if i := bytes.LastIndexByte(frame, '('); i > 0 {
			frame = frame[:i]
		}
		top = string(frame)
	}
	return id, string(st), top
}
