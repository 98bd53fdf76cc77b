package catalogue

import "github.com/streamspec/streamspec/harness"

// The observed behaviours: what legitimately depends on TCP, the socket
// type or the OS. Each spec records what happened and checks it against
// the expectation declared for built-in transports (expectations.go).
var (
	NagleDelayedACK = Register(Behaviour{ID: "nagle-delayed-ack", Area: "latency", Class: Observed,
		Rule: "two small writes then a read: with Nagle on (SetNoDelay(false)) TCP stalls for a delayed-ACK period; Go's default and non-TCP streams do not"})
	CloseUnread = Register(Behaviour{ID: "close-with-unread-data", Area: "close", Class: Observed,
		Rule: "closing with unread data: TCP resets, Unix sockets report ECONNRESET (Linux) or EOF (macOS); record what the peer reads and writes"})
	AbortiveClose = Register(Behaviour{ID: "abortive-close", Area: "close", Class: Observed,
		Rule: "B sets SO_LINGER {on, 0} and closes: TCP resets; record what A sees and whether data it had not read is still readable"})
	ShutRD = Register(Behaviour{ID: "close-read", Area: "close", Class: Observed, Needs: []harness.Ability{harness.CloseRead},
		Rule: "after CloseRead (SHUT_RD) the peer's writes fail on Unix sockets and pipes and succeed on TCP; record what happens to data arriving afterwards"})
	Coalescing = Register(Behaviour{ID: "coalescing-splitting", Area: "integrity", Class: Observed,
		Rule: "record whether small writes arrive coalesced in one Read and whether one large write arrives split over several, with read-size distributions"})
	ClosedPeerErrors = Register(Behaviour{ID: "closed-peer-errors", Area: "close", Class: Observed, Needs: []harness.Ability{harness.FullClose},
		Rule: "writes to a closed peer: record how many succeed, the first error (ECONNRESET, EPIPE, io.ErrClosedPipe) and the following ones"})
	WriteTimeoutUsable = Register(Behaviour{ID: "write-timeout-usable", Area: "deadlines", Class: Observed, Needs: []harness.Ability{harness.WriteDeadline},
		Rule: "after a Write times out, kernel streams stay usable with nothing lost; crypto/tls documents that its state is corrupt"})
	PipeBufAtomic = Register(Behaviour{ID: "pipe-buf-atomicity", Area: "concurrency", Class: Observed, Needs: []harness.Ability{harness.Descriptor},
		Rule: "two writers on separate descriptors: pipe writes up to PIPE_BUF never interleave, larger ones may; record the same for sockets"})
)
