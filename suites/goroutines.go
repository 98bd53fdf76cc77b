package suites

import (
	"bytes"
	"runtime"
	"strconv"
)

// goid is the calling goroutine's ID, from its stack's header
// ("goroutine 42 [running]:").
func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := bytes.Fields(buf)
	if len(f) < 2 {
		return -1
	}
	id, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return -1
	}
	return id
}

// waiting reports whether goroutine id is parked waiting for another
// party: a channel, select, network I/O or a condition. A goroutine that
// is running, runnable or in a system call is making progress, however
// long a busy machine keeps it from a CPU; one that has ended is not
// waiting either. It is the runtime's evidence that a call blocks, where
// a timeout would only guess.
func waiting(id int64) bool {
	header := []byte("goroutine " + strconv.FormatInt(id, 10) + " [")
	for _, g := range bytes.Split(allStacks(), []byte("\n\n")) {
		if state, ok := bytes.CutPrefix(g, header); ok {
			for _, w := range [][]byte{[]byte("chan send"), []byte("chan receive"), []byte("select"), []byte("IO wait"), []byte("sync.Cond.Wait")} {
				if bytes.HasPrefix(state, w) {
					return true
				}
			}
			return false
		}
	}
	return false
}
