package kernel

import (
	"net"
	"time"

	"github.com/streamspec/streamspec/internal/rawconn"
)

// WaitReadable waits up to d for c's reading descriptor to report that a
// Read would not block: data, end of stream, or an error such as a reset
// is pending (POLLIN, POLLHUP, POLLERR). It is kernel evidence that an
// event has arrived, where waiting a fixed time would be a guess that a
// busy machine can prove wrong. ErrNoDescriptor when c has none.
func WaitReadable(c net.Conn, d time.Duration) (bool, error) {
	r, _ := rawconn.RawConns(c)
	if r == nil {
		return false, ErrNoDescriptor
	}
	return waitReadable(r, d)
}

// Drained waits up to d for c's kernel send queue to empty: for TCP, until
// the peer has acknowledged everything c sent. It reports false when the
// queue is still not empty, or cannot be read.
func Drained(c net.Conn, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		q, err := ProbeQueues(c)
		if err == nil && q.SendQueued == 0 {
			return true
		}
		if q.SendQueued < 0 || time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond) // polling a kernel counter that has no event to wait on
	}
}
