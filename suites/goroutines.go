package suites

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// goid is the calling goroutine's ID, from its stack's header
// ("goroutine 42 [running]:").
func goid() int64 {
	buf := make([]byte, 64)
	id, _ := parseHeader(buf[:runtime.Stack(buf, false)])
	return id
}

// goroutineStates maps each goroutine's ID to its state as the runtime
// prints it ("running", "chan receive", "IO wait", "select, 2 minutes").
func goroutineStates() map[int64]string {
	states := map[int64]string{}
	for _, g := range bytes.Split(allStacks(), []byte("\n\n")) {
		if id, state := parseHeader(g); id >= 0 {
			states[id] = state
		}
	}
	return states
}

// parseHeader reads "goroutine 42 [chan receive]:" at the start of a stack.
func parseHeader(g []byte) (int64, string) {
	rest, ok := bytes.CutPrefix(g, []byte("goroutine "))
	if !ok {
		return -1, ""
	}
	num, rest, ok := bytes.Cut(rest, []byte(" ["))
	state, _, ok2 := bytes.Cut(rest, []byte("]"))
	id, err := strconv.ParseInt(string(num), 10, 64)
	if !ok || !ok2 || err != nil {
		return -1, ""
	}
	return id, string(state)
}

// parked reports whether a goroutine in this state waits for another
// party (a channel, select, network I/O, a condition; the runtime's own
// helpers waiting for work) and so makes no progress on its own. One that
// is running, runnable, in a system call, sleeping or briefly queued on a
// lock will move once it gets a CPU, however long a busy machine keeps it
// waiting for one.
func parked(state string) bool {
	state, _, _ = strings.Cut(state, ",") // "select, 2 minutes", "IO wait, locked to thread"
	switch {
	case strings.HasPrefix(state, "chan send"), strings.HasPrefix(state, "chan receive"), strings.HasPrefix(state, "select"),
		state == "IO wait", state == "sync.Cond.Wait":
		return true
	}
	return strings.HasSuffix(state, "(idle)") || strings.HasSuffix(state, " wait") // "GC worker (idle)", "finalizer wait"
}

// waiting reports whether goroutine id is parked: the runtime's evidence
// that a call blocks, where a timeout would only guess. A goroutine that
// has ended is not waiting.
func waiting(id int64) bool {
	state, ok := goroutineStates()[id]
	return ok && parked(state)
}

// settling reports whether a goroutine other than the caller that did not
// exist at the baseline can still make progress on its own: until none
// can, what the spec left behind may still be going.
func settling(baseline map[int64]string) bool {
	self := goid()
	for id, state := range goroutineStates() {
		if _, old := baseline[id]; !old && id != self && !parked(state) {
			return true
		}
	}
	return false
}
