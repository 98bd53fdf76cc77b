package catalogue

import "github.com/streamspec/streamspec/harness"

// BackpressureBound is the most a transport may accept from a writer whose
// reader has stopped before Write must block. TCP with autotuning takes
// about 4 MiB on Linux loopback; the bound leaves room for bigger windows.
const BackpressureBound = 64 << 20

// The contract: what every stream transport must do.
var (
	Integrity = Register(Behaviour{ID: "integrity", Area: "integrity", Class: Contract,
		Rule: "64 MiB of seeded random bytes each way (on a slow transport, what it moves in about 2 s), both directions at once, MUST arrive intact and in order"})
	NoBoundaries = Register(Behaviour{ID: "no-message-boundaries", Area: "integrity", Class: Contract,
		Rule: "writes of any size (0 to 1 MiB) read back with unrelated read sizes MUST give the same bytes; one 8 MiB Write (on a slow transport, what it moves in about 1 s, at least 1 MiB) MUST complete"})
	ReadAvailable = Register(Behaviour{ID: "read-returns-available", Area: "integrity", Class: Contract,
		Rule: "Read MUST return the bytes that are there without waiting to fill its buffer, and a short buffer MUST lose nothing"})
	WriterRule = Register(Behaviour{ID: "write-all-or-error", Area: "integrity", Class: Contract,
		Rule: "Write MUST return n == len(p) or a non-nil error"})
	ZeroWrite = Register(Behaviour{ID: "zero-length-write", Area: "integrity", Class: Contract,
		Rule: "a zero-length Write MUST return no error, deliver nothing and not signal EOF"})
	ConcurrentWrites = Register(Behaviour{ID: "concurrent-writes", Area: "concurrency", Class: Contract,
		Rule: "each Write from concurrent goroutines (4 KiB+1 to 1 MiB, straddling common frame sizes) MUST arrive contiguous, and nothing MUST be lost"})
	Backpressure = Register(Behaviour{ID: "backpressure", Area: "blocking", Class: Contract,
		Rule: "with the reader stopped, Write MUST block within 64 MiB and resume when the reader drains, every byte arriving once"})
	HalfClose = Register(Behaviour{ID: "half-close", Area: "close", Class: Contract, Needs: []harness.Ability{harness.CloseWrite},
		Rule: "after CloseWrite the peer MUST read everything then io.EOF, repeatedly, and the closer MUST still read the reply"})
	GracefulClose = Register(Behaviour{ID: "graceful-close", Area: "close", Class: Contract,
		Rule: "everything written before Close MUST reach a reading peer before its io.EOF"})
	CloseUnblocks = Register(Behaviour{ID: "close-unblocks", Area: "close", Class: Contract, Needs: []harness.Ability{harness.FullClose},
		Rule: "Close MUST unblock a pending Read and a blocked Write with an error; Read and Write after Close MUST fail; a second Close MUST NOT panic"})
	ReadDeadlines = Register(Behaviour{ID: "read-deadline", Area: "deadlines", Class: Contract, Needs: []harness.Ability{harness.ReadDeadline},
		Rule: "an expired read deadline MUST fail Read with a net.Error timeout matching os.ErrDeadlineExceeded, consume nothing and leave the stream intact"})
	WriteDeadlines = Register(Behaviour{ID: "write-deadline", Area: "deadlines", Class: Contract, Needs: []harness.Ability{harness.WriteDeadline},
		Rule: "a Write blocked by backpressure MUST fail with a timeout once its deadline passes, reporting the bytes it accepted"})
	WriteTimeoutIntact = Register(Behaviour{ID: "write-timeout-intact-or-dead", Area: "deadlines", Class: Contract, Needs: []harness.Ability{harness.WriteDeadline},
		Rule: "after a Write times out having reported n bytes, the stream MUST be intact (the peer receives exactly the bytes the Writes reported, in order, and later Writes continue it) or dead (every later Write fails)"})
	PeerGone = Register(Behaviour{ID: "write-to-closed-peer", Area: "close", Class: Contract, Needs: []harness.Ability{harness.FullClose},
		Rule: "after the peer has closed, Write MUST fail within a bounded time, not succeed forever or block"})
)
