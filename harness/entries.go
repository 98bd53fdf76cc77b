package harness

// Report entry names. Specs attach these to their Ginkgo report with
// AddReportEntry; the report model reads them back from the JSON form, so
// every field is JSON with snake_case names and stays stable.
const (
	// EntryPair carries a PairInfo: the transport and its discovered abilities.
	EntryPair = "streamspec.pair"
	// EntryObservation carries an Observation: what the spec saw, as the
	// text of a matrix cell plus the numbers behind it.
	EntryObservation = "streamspec.observation"
)

// UnsupportedPrefix starts the skip message of a spec that needs an
// ability the transport lacks; UnavailablePrefix one whose transport
// cannot run on this machine.
const (
	UnsupportedPrefix = "unsupported: "
	UnavailablePrefix = "unavailable: "
)

// PairInfo describes the transport a spec ran on.
type PairInfo struct {
	Transport string    `json:"transport"`
	Kind      Kind      `json:"kind"`
	Abilities []Ability `json:"abilities"`
	Notes     string    `json:"notes,omitempty"` // Traits.Notes
}

// Observation is what a spec measured or saw.
type Observation struct {
	Behaviour string         `json:"behaviour"`
	Transport string         `json:"transport"`
	Summary   string         `json:"summary"`          // one short cell, e.g. "ECONNRESET after 10 B"
	Values    map[string]any `json:"values,omitempty"` // the numbers behind it
}

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
	Method              string `json:"method"`    // "nonblocking-syscall" or "write-deadline"
	Conserved           bool   `json:"conserved"` // accepted == receiver + sender payload, to the byte
	Notes               string `json:"notes,omitempty"`
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
	AcceptedBytes int64            `json:"accepted_bytes"`
	Extra         map[string]int64 `json:"extra,omitempty"`
}
