// Package zoo is streamspec's self-test: transports broken on purpose, one
// fault each, that the contract specs must catch; legal but unusual
// transports that must pass every contract spec; and hostile transports
// that hang, panic or lie, which the harness must survive in bounded time.
package zoo

import (
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
)

// Kind says what the self-test expects of an entry.
type Kind string

const (
	// Broken transports must fail their Target spec.
	Broken Kind = "broken"
	// Legal transports must pass every contract spec they support.
	Legal Kind = "legal"
	// Hostile transports hang, panic or fail to open: every spec they fail
	// must fail in bounded time with a message containing Want.
	Hostile Kind = "hostile"
	// Library transports are shaped like a real library that documents a
	// departure from the contract: they must fail exactly the contract
	// specs in Fails and pass every other spec they support.
	Library Kind = "library"
)

// Entry is a zoo transport and what the self-test expects of it.
type Entry struct {
	Transport harness.Transport
	Kind      Kind
	What      string        // the fault, or what is unusual
	Target    string        // for Broken: the contract behaviour that must catch the fault
	Want      string        // for Hostile: a fragment of every failure message, such as "hung"; for Broken: of the first line of the target's
	Bound     time.Duration // for Hostile: the most a failing spec may take, when not hostileBound

	Slow   bool // mostly waits (a throttled transport): the self-test runs it on its own
	Repeat int  // runs of the racy specs (-streamspec.repeat) the self-test gives it: it runs on its own
	// StopsEarly, for Hostile: its Pair always fails, so its first spec
	// must stop the suite (one failure, not one per spec).
	StopsEarly bool
	Observed   bool     // runs every spec, observed ones too (which only record on a custom transport), not only the contract
	Fails      []string // for Library: the contract specs it must fail
	MustRun    []string // specs it must not be unsupported for: the declarations that make them run
	// Outcomes maps observed specs to the outcome each must record.
	Outcomes map[string]string
	// RecordsErrors maps the observed specs that may end on an error
	// instead of a measurement (a legal or library transport's own
	// failure, recorded) to a fragment of that error; any other recorded
	// error is a harness defect.
	RecordsErrors map[string]string
	// Unsupported lists specs it must report unsupported: for a transport
	// that leaks per pair, skipped before a pair was opened.
	Unsupported []string
}

func broken(name, fault string, target catalogue.Behaviour, want string, q quirks, wrap func(Conn) Conn) Entry {
	return Entry{Transport: queueTransport("zoo-"+name, q, wrap), Kind: Broken, What: fault, Target: target.ID, Want: want}
}

// Faults lists the transports with one fault each.
func Faults() []Entry {
	return []Entry{
		broken("lost-byte", "loses one byte of the stream", catalogue.Integrity, "differs", quirks{}, loseByte),
		broken("duplicated", "sends one byte twice", catalogue.Integrity, "differs", quirks{}, duplicateByte),
		broken("corrupted", "flips a bit of one byte", catalogue.Integrity, "differs", quirks{}, corruptByte),
		broken("reordered", "sends the two halves of one Write in reverse order", catalogue.Integrity, "differs", quirks{}, reorderWrite),
		broken("write-too-large", "rejects Writes over 1 MiB (EMSGSIZE)", catalogue.NoBoundaries, "message too long", quirks{},
			func(c Conn) Conn { return sizeLimit{c} }),
		broken("frame-drops-rest", "message framing drops the rest of a message on a short read", catalogue.ReadAvailable, "discarded the rest of a record", quirks{},
			func(c Conn) Conn { return &framed{Conn: c, dropRest: true} }),
		broken("whole-message-length", "a Read shorter than the message reports the message's length, with io.ErrShortBuffer", catalogue.ReadAvailable,
			"B.Read returned n=1000 for a 3-byte buffer (io.Reader requires 0 ≤ n ≤ len(p))", quirks{}, func(c Conn) Conn { return &framed{Conn: c, wholeLength: true} }),
		broken("filling-reads", "Read waits to fill the whole buffer", catalogue.ReadAvailable, "waits to fill the buffer", quirks{},
			func(c Conn) Conn { return fillingReads{c} }),
		broken("short-writes", "Write takes half the bytes and reports no error", catalogue.WriterRule, "io.Writer requires an error when n < len(p)", quirks{},
			func(c Conn) Conn { return shortWrites{c} }),
		broken("half-frame-on-timeout", "framing whose Write, ended by its deadline partway, reports 0 and leaves half a frame on the wire",
			catalogue.WriteTimeoutIntact, "went on corrupt", quirks{}, func(c Conn) Conn { return &framed{Conn: c, halfFrames: true} }),
		broken("empty-write-eof", "framing reads a zero-length Write as EOF", catalogue.ZeroWrite, "an empty record read as EOF", quirks{},
			func(c Conn) Conn { return &framed{Conn: c, emptyIsEOF: true} }),
		broken("interleaved", "concurrent Writes interleave in 4 KiB pieces", catalogue.ConcurrentWrites, "is not one whole Write", quirks{},
			func(c Conn) Conn { return chunked{Conn: c} }),
		broken("mux-frames", "a multiplexer: Writes go out as 32 KiB frames and concurrent Writes interleave between frames",
			catalogue.ConcurrentWrites, "is not one whole Write", quirks{}, func(c Conn) Conn { return muxFrames{c} }),
		broken("unbounded", "buffers without bound: Write never blocks", catalogue.Backpressure, "buffering is unbounded", quirks{unbounded: true}, nil),
		broken("unbounded-pulses", "buffers without bound, taking 2.56 MB every 40 ms: its writer waits on a timer between pulses", catalogue.Backpressure,
			"buffering is unbounded", quirks{unbounded: true, rate: 64_000_000, pulse: 40 * time.Millisecond}, nil),
		broken("lost-wakeup", "a Write waiting for room is not woken when the reader drains", catalogue.Backpressure, "A resumes", quirks{lostWakeup: true}, nil),
		broken("stall", "each direction stops taking bytes after 1 MiB: the stream stalls, Writes wait forever", catalogue.Integrity, "no progress after",
			quirks{stallAfter: 1 << 20}, nil),
		broken("closewrite-closes", "CloseWrite closes both directions", catalogue.HalfClose, "the reply to A's half-close was cut short", quirks{},
			func(c Conn) Conn { return closeWriteCloses{c} }),
		broken("closewrite-silent", "CloseWrite sends no EOF", catalogue.HalfClose, "B reads to EOF", quirks{},
			func(c Conn) Conn { return closeWriteSilent{c} }),
		broken("drop-on-close", "Close drops the bytes the peer has not read yet", catalogue.GracefulClose, "did not all arrive", quirks{dropOnClose: true}, nil),
		broken("eof-first", "Read reports EOF while bytes are still queued", catalogue.GracefulClose, "did not all arrive", quirks{eofFirst: true}, nil),
		broken("sticky-close", "Close does not unblock a pending Read or Write", catalogue.CloseUnblocks, "A.Close did not unblock it", quirks{stopCloses: true},
			func(c Conn) Conn { return &stickyClose{Conn: c} }),
		broken("zombie-writes", "Writes after Close succeed", catalogue.CloseUnblocks, "after Close succeeded", quirks{},
			func(c Conn) Conn { return &zombieWrites{Conn: c} }),
		broken("ignores-read-deadline", "accepts a read deadline and ignores it", catalogue.ReadDeadlines, "ignored deadline?", quirks{},
			func(c Conn) Conn { return ignoresReadDeadline{c} }),
		broken("plain-timeouts", "timeouts are plain errors, not net.Error", catalogue.ReadDeadlines, "has no Timeout method", quirks{},
			func(c Conn) Conn { return timeoutsAs{c, plain} }),
		broken("abandoned-reads", "emulates read deadlines by abandoning the Read: its bytes are lost", catalogue.ReadDeadlines, "after the deadline is cleared", quirks{},
			func(c Conn) Conn { return &abandonedReads{Conn: c} }),
		broken("ignores-write-deadline", "accepts a write deadline and ignores it", catalogue.WriteDeadlines, "ignored deadline?", quirks{},
			func(c Conn) Conn { return ignoresWriteDeadline{c} }),
		broken("hides-accepted", "a Write that times out reports 0 bytes, whatever it queued", catalogue.WriteDeadlines, "more than the Writes reported accepting", quirks{},
			func(c Conn) Conn { return hidesAccepted{c} }),
		broken("over-reports", "a Write that times out reports all its bytes, whatever it queued", catalogue.WriteDeadlines,
			"Write reported bytes it did not deliver", quirks{}, func(c Conn) Conn { return overReports{c} }),
		broken("void-writes", "Writes to a peer that has closed succeed", catalogue.PeerGone, "Writes to a closed peer succeeded", quirks{},
			func(c Conn) Conn { return voidWrites{c} }),
	}
}
