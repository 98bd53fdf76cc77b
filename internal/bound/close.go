package bound

import (
	"fmt"
	"sync"
	"time"
)

// Bounds for a Close (and a pair's stop function). A correct Close may
// wait for its peer: coder/websocket's NetConn waits up to 5 s for the
// peer's close frame (close.go waitCloseHandshake), crypto/tls up to 5 s
// to send close_notify. So a Close is slow, and recorded as such, from
// SlowClose on, and hung only when it has not returned after CloseTimeout.
// Once a Close of a transport has hung, that transport's later Closes in
// the process get CloseTimeoutAfterHang, so a Close that never returns
// costs one CloseTimeout per process, not one per spec.
const (
	CloseTimeout          = 10 * time.Second
	CloseTimeoutAfterHang = 1 * time.Second
	SlowClose             = 100 * time.Millisecond
)

// EntryClose carries a CloseTime: a Close that took SlowClose or longer.
const EntryClose = "streamspec.close"

// CloseTime is how long one Close (or stop function) took and what it
// returned.
type CloseTime struct {
	Op     string        `json:"op"` // "A.Close", "B.Close", "stop"
	Took   time.Duration `json:"-"`
	Millis float64       `json:"ms"` // Took, to 0.1 ms
	Err    string        `json:"error,omitempty"`
	Hung   bool          `json:"hung,omitempty"`
}

// Slow reports whether the Close took SlowClose or longer.
func (t CloseTime) Slow() bool { return t.Took >= SlowClose }

// hungCloses holds the names of transports a Close of which has hung.
var hungCloses sync.Map

// CloseWithin runs close, a Close (or stop function) of transport's
// endpoint op, bounded by CloseTimeout, or by CloseTimeoutAfterHang once a
// Close of that transport has hung in this process. It returns close's own
// error, a HungError (which says which bound applied) or a PanicError,
// and how long the call took.
func CloseWithin(transport, op string, close func() error) (CloseTime, error) {
	bound, note := CloseTimeout, ""
	if _, hung := hungCloses.Load(transport); hung {
		bound = CloseTimeoutAfterHang
		note = fmt.Sprintf("an earlier Close of %s hung past %v, so its Closes now get %v", transport, CloseTimeout, bound)
	}
	start := time.Now()
	err := Within(bound, op, close)
	t := CloseTime{Op: op, Took: time.Since(start), Hung: IsHung(err)}
	t.Millis = float64(t.Took.Round(100*time.Microsecond).Microseconds()) / 1000
	if err != nil {
		t.Err = err.Error()
	}
	if t.Hung {
		hungCloses.Store(transport, true)
		if note != "" {
			err = &HungError{Op: op, After: bound, Note: note}
		}
	}
	return t, err
}
