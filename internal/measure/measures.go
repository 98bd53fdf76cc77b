package measure

import (
	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/kernel"
)

// EntryCapacity carries a Capacity: where the bytes were when a writer
// blocked. EntrySweep carries a Sweep: capacity against one buffer knob.
const (
	EntryCapacity = "streamspec.capacity"
	EntrySweep    = "streamspec.sweep"
)

// Capacity decomposes the bytes a writer got accepted before blocking, with
// the reader stopped. Byte counts that the platform cannot report are -1.
// For TCP, AcceptedBytes == ReceiverQueuedBytes + SenderQueuedBytes, where
// SenderQueuedBytes = unsent + InFlightBytes (unacknowledged).
type Capacity struct {
	Transport           string `json:"transport"`
	AcceptedBytes       int64  `json:"accepted_bytes"`
	SenderQueuedBytes   int64  `json:"sender_queued_bytes"`
	SenderUnsentBytes   int64  `json:"sender_unsent_bytes"`
	InFlightBytes       int64  `json:"in_flight_bytes"`
	ReceiverQueuedBytes int64  `json:"receiver_queued_bytes"`
	SoSndbuf            int64  `json:"so_sndbuf"`
	SoRcvbuf            int64  `json:"so_rcvbuf"`
	PipeSize            int64  `json:"pipe_size"`
	SettleMillis        int64  `json:"settle_ms"` // how long EAGAIN had to persist
	Method              string `json:"method"`    // "nonblocking-syscall", "write-deadline" or "stall-watch"
	Conserved           bool   `json:"conserved"` // accepted == receiver + sender payload, to the byte
	Notes               string `json:"notes,omitempty"`

	Kind           harness.Kind     `json:"kind,omitempty"`  // what the writer's descriptor is: tcp, unix, pipe
	Accounting     string           `json:"accounting"`      // the sum Conserved compares with accepted_bytes
	AccountedBytes int64            `json:"accounted_bytes"` // that sum; -1 when there is none
	ElapsedMillis  int64            `json:"elapsed_ms"`      // the whole measurement
	WriteSize      int              `json:"write_size"`      // bytes offered per write
	TCP            *kernel.TCPState `json:"tcp,omitempty"`   // the sender's TCP state when it blocked
	PendingBytes   int64            `json:"pending_bytes"`   // stall-watch: a Write of this size was left blocked
	// AckPendingBytes is TCP payload the receiver has (it is in
	// receiver_queued_bytes) that the sender still counts as in flight
	// because the ACK has not reached it (delayed ACK): counted twice in
	// the plain sum, so the accounting subtracts it. Linux; -1 elsewhere.
	AckPendingBytes int64  `json:"ack_pending_bytes"`
	Seed            uint64 `json:"seed"` // the bytes written are Pattern(seed)
	// QueuedBeforeBytes were written before the fill and sat unread at the
	// reader when it began (FillQueued); they are in AcceptedBytes, ahead
	// of the Pattern(seed) bytes.
	QueuedBeforeBytes int64 `json:"queued_before_bytes,omitempty"`
}

// EntryWakeup carries a Wakeup: how much a reader must drain before a
// blocked writer resumes.
const EntryWakeup = "streamspec.wakeup"

// Wakeup is measured from a full stream (a Capacity), the reader draining
// StepBytes at a time. WakeupAfterBytes is how much it drained before the
// writer's descriptor became writable (POLLOUT), which is the readiness
// that resumes a Write parked in Go's poller; -1 if draining everything
// never woke it.
type Wakeup struct {
	Transport        string  `json:"transport"`
	AcceptedBytes    int64   `json:"accepted_bytes"`
	WakeupAfterBytes int64   `json:"wakeup_after_bytes"`
	StepBytes        int64   `json:"step_bytes"`          // resolution
	Fraction         float64 `json:"fraction"`            // WakeupAfterBytes / AcceptedBytes
	SenderQueuedAt   int64   `json:"sender_queued_bytes"` // the sender's queue when it woke (SIOCOUTQ, SO_NWRITE)
	ReceiverQueuedAt int64   `json:"receiver_queued_bytes"`
	// The queues one step earlier, when the writer was still blocked.
	SenderQueuedBefore   int64 `json:"sender_queued_before_bytes"`
	ReceiverQueuedBefore int64 `json:"receiver_queued_before_bytes"`
	SoSndbuf             int64 `json:"so_sndbuf"`         // read after the wake-up, with SenderQueuedAt
	SoSndbufBlocked      int64 `json:"so_sndbuf_blocked"` // when the writer blocked (TCP autotuning may raise it while the reader drains)
}

// Sweep records capacity as one knob varies.
type Sweep struct {
	Transport string       `json:"transport"`
	Knob      string       `json:"knob"` // so_sndbuf, so_rcvbuf, pipe_size, path
	Points    []SweepPoint `json:"points"`
}

// SweepPoint is one setting of a Sweep's knob and what it gave.
type SweepPoint struct {
	Setting       int64            `json:"setting"`
	Label         string           `json:"label,omitempty"`
	AcceptedBytes int64            `json:"accepted_bytes"`    // the median of Samples, when repeated
	Samples       []int64          `json:"samples,omitempty"` // accepted bytes of each repeat, on a fresh pair each, in the order measured
	Extra         map[string]int64 `json:"extra,omitempty"`   // of the median repeat
}
