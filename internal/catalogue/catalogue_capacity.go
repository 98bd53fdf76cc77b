package catalogue

import "github.com/streamspec/streamspec/harness"

// Blocking and capacity: how much a writer gets accepted before Write
// blocks, where those bytes are, which knob decides, and how much a reader
// must drain before a blocked writer resumes. That a writer blocks at all
// is the contract (Backpressure); these amounts are observed.
var (
	CapacityDecomposition = Register(Behaviour{ID: "capacity", Area: "blocking", Class: Observed,
		Rule: "bytes accepted before Write blocks with the reader stopped, and where they sit; on Linux the kernel queues of TCP, Unix and pipes account for every byte"})
	CapacitySndbuf = Register(Behaviour{ID: "capacity-vs-sndbuf", Area: "blocking", Class: Observed, Needs: []harness.Ability{harness.BufferSizing},
		Rule: "capacity against the writer's SO_SNDBUF, the reader's SO_RCVBUF held fixed: TCP and Unix stream follow it"})
	CapacityRcvbuf = Register(Behaviour{ID: "capacity-vs-rcvbuf", Area: "blocking", Class: Observed, Needs: []harness.Ability{harness.BufferSizing},
		Rule: "capacity against the reader's SO_RCVBUF, the writer's SO_SNDBUF held fixed: TCP follows it (macOS: not below the window its SYN-ACK offered), Unix stream ignores it"})
	CapacityPipeSize = Register(Behaviour{ID: "capacity-vs-pipe-size", Area: "blocking", Class: Observed, Needs: []harness.Ability{harness.Descriptor},
		Rule: "a pipe's capacity is its F_SETPIPE_SZ size, to the byte (Linux)"})
	WakeupThreshold = Register(Behaviour{ID: "wakeup-threshold", Area: "blocking", Class: Observed, Needs: []harness.Ability{harness.Descriptor},
		Rule: "how much the reader must drain before a blocked writer resumes: Linux wakes a pipe's writer at one free page, a Unix socket's at a quarter of SO_SNDBUF charged, TCP's at two thirds"})
)
