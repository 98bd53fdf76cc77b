package kernel

import (
	"net"
	"time"

	"github.com/streamspec/streamspec/internal/rawconn"
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
	_, wrc := rawconn.RawConns(w)
	rrc, _ := rawconn.RawConns(r)
	if wrc == nil || rrc == nil {
		return false, ErrNoDescriptor
	}
	before, err := ProbeRaw(wrc, rrc)
	if err != nil && before.Kind == "" {
		return false, err
	}
	ready, err := WaitWritable(wrc, quiet)
	if err != nil || ready {
		return false, err
	}
	after, _ := ProbeRaw(wrc, rrc)
	return !after.Moved(before), nil
}
