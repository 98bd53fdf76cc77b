package zoo

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Each wrapper below embeds a healthy Conn and overrides what it breaks.

// mangled rewrites the one Write that covers stream offset at: mangle gets
// a copy of the Write's bytes and the index of that offset in it, and
// returns the pieces to send instead. The Write still reports len(p).
type mangled struct {
	Conn
	at      int64
	written atomic.Int64
	mangle  func(p []byte, i int) [][]byte
}

func (c *mangled) Write(p []byte) (int, error) {
	end := c.written.Add(int64(len(p)))
	start := end - int64(len(p))
	if c.at < start || c.at >= end {
		return c.Conn.Write(p)
	}
	for _, piece := range c.mangle(slices.Clone(p), int(c.at-start)) {
		if _, err := c.Conn.Write(piece); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// mangleAt is where the byte faults strike: past the first MiB, in the
// middle of a 64 KiB Write.
const mangleAt = 1<<20 + 12345

func mangle(f func(p []byte, i int) [][]byte) func(Conn) Conn {
	return func(c Conn) Conn { return &mangled{Conn: c, at: mangleAt, mangle: f} }
}

var (
	loseByte      = mangle(func(p []byte, i int) [][]byte { return [][]byte{p[:i], p[i+1:]} })
	duplicateByte = mangle(func(p []byte, i int) [][]byte { return [][]byte{p[:i+1], p[i:]} })
	corruptByte   = mangle(func(p []byte, i int) [][]byte { p[i] ^= 0x20; return [][]byte{p} })
	reorderWrite  = mangle(func(p []byte, i int) [][]byte { return [][]byte{p[i:], p[:i]} })
)

// shortWrites accepts half of every Write of more than one byte and
// reports that with no error.
type shortWrites struct{ Conn }

func (c shortWrites) Write(p []byte) (int, error) { return c.Conn.Write(p[:(len(p)+1)/2]) }

// sizeLimit rejects Writes larger than 1 MiB, as a datagram transport would.
type sizeLimit struct{ Conn }

func (c sizeLimit) Write(p []byte) (int, error) {
	if len(p) > 1<<20 {
		return 0, syscall.EMSGSIZE
	}
	return c.Conn.Write(p)
}

// fillingReads waits until the whole read buffer is full.
type fillingReads struct{ Conn }

func (c fillingReads) Read(p []byte) (int, error) { return io.ReadFull(c.Conn, p) }

// chunked passes each Write on in 4 KiB pieces. With mu set the pieces of
// one Write go together (legal); without it concurrent Writes interleave.
type chunked struct {
	Conn
	mu *sync.Mutex
}

func (c chunked) Write(p []byte) (int, error) {
	if c.mu != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	n := 0
	for n < len(p) {
		m, err := c.Conn.Write(p[n:min(len(p), n+4096)])
		n += m
		if err != nil {
			return n, err
		}
		runtime.Gosched() // let another writer in between pieces
	}
	return n, nil
}

// muxFrames is a multiplexer's stream: each Write goes out as frames of
// at most muxFrameSize bytes, one underlying Write per frame, and nothing
// holds the stream across frames, so concurrent Writes interleave at frame
// boundaries. A Write of at most one frame stays whole.
type muxFrames struct{ Conn }

// muxFrameSize is the frame payload limit, a common multiplexer default.
const muxFrameSize = 32 << 10

func (c muxFrames) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := c.Conn.Write(p[n:min(len(p), n+muxFrameSize)])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ignoresReadDeadline accepts read deadlines and ignores them.
type ignoresReadDeadline struct{ Conn }

func (c ignoresReadDeadline) SetReadDeadline(time.Time) error { return nil }
func (c ignoresReadDeadline) SetDeadline(t time.Time) error   { return c.Conn.SetWriteDeadline(t) }

// ignoresWriteDeadline accepts write deadlines and ignores them.
type ignoresWriteDeadline struct{ Conn }

func (c ignoresWriteDeadline) SetWriteDeadline(time.Time) error { return nil }
func (c ignoresWriteDeadline) SetDeadline(t time.Time) error    { return c.Conn.SetReadDeadline(t) }

// timeoutsAs reports the queue's errors as as makes them: timeouts of
// another kind.
type timeoutsAs struct {
	Conn
	as func(error) error
}

func (c timeoutsAs) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	return n, c.as(err)
}

func (c timeoutsAs) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	return n, c.as(err)
}

// plain reports a timeout as a plain error, not a net.Error.
func plain(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errors.New("i/o timeout")
	}
	return err
}

// hidesAccepted reports a Write that timed out as having accepted nothing,
// whatever it queued.
type hidesAccepted struct{ Conn }

// overReports is the other way round: a Write that times out reports all
// its bytes, whatever it queued, so the peer reads fewer bytes than the
// Writes reported.
type overReports struct{ Conn }

func (c overReports) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		n = len(p)
	}
	return n, err
}

func (c hidesAccepted) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		n = 0
	}
	return n, err
}

// abandonedReads emulates read deadlines by giving up on a Read that is
// still running. Reads take turns on the endpoint (rmu), so the abandoned
// Read is first to get the next bytes, and they are lost.
type abandonedReads struct {
	Conn
	rmu sync.Mutex // held by the Read in progress, abandoned or not

	mu sync.Mutex
	rd time.Time
}

func (c *abandonedReads) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rd = t
	return nil
}

func (c *abandonedReads) SetDeadline(t time.Time) error {
	_ = c.SetReadDeadline(t)
	return c.Conn.SetWriteDeadline(t)
}

func (c *abandonedReads) Read(p []byte) (int, error) {
	c.mu.Lock()
	rd := c.rd
	c.mu.Unlock()
	if !rd.IsZero() && time.Until(rd) <= 0 {
		return 0, os.ErrDeadlineExceeded
	}
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	buf := make([]byte, len(p))
	go func() {
		c.rmu.Lock()
		defer c.rmu.Unlock()
		n, err := c.Conn.Read(buf)
		done <- result{n, err}
	}()
	var expired <-chan time.Time
	if !rd.IsZero() {
		t := time.NewTimer(time.Until(rd))
		defer t.Stop()
		expired = t.C
	}
	select {
	case r := <-done:
		return copy(p, buf[:r.n]), r.err
	case <-expired:
		return 0, os.ErrDeadlineExceeded
	}
}

// closeWriteCloses makes CloseWrite a full Close.
type closeWriteCloses struct{ Conn }

func (c closeWriteCloses) CloseWrite() error { return c.Conn.Close() }

// closeWriteSilent makes CloseWrite do nothing: the peer never reads EOF.
type closeWriteSilent struct{ Conn }

func (c closeWriteSilent) CloseWrite() error { return nil }

// stickyClose makes Close fail later calls and send EOF, but leave a Read
// or Write that is already waiting blocked. The transport's stop function
// closes the endpoint for real.
type stickyClose struct {
	Conn
	closed atomic.Bool
}

func (c *stickyClose) Close() error {
	c.closed.Store(true)
	return c.Conn.CloseWrite()
}

func (c *stickyClose) Read(p []byte) (int, error) {
	if c.closed.Load() {
		return 0, net.ErrClosed
	}
	return c.Conn.Read(p)
}

func (c *stickyClose) Write(p []byte) (int, error) {
	if c.closed.Load() {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(p)
}

// zombieWrites lets Writes after Close succeed, sending nothing.
type zombieWrites struct {
	Conn
	closed atomic.Bool
}

func (c *zombieWrites) Close() error {
	c.closed.Store(true)
	return c.Conn.Close()
}

func (c *zombieWrites) Write(p []byte) (int, error) {
	if c.closed.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// voidWrites hides the error of a Write to a peer that has gone: the bytes
// go nowhere and the writer never learns.
type voidWrites struct{ Conn }

func (c voidWrites) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if errors.Is(err, syscall.EPIPE) {
		return len(p), nil
	}
	return n, err
}

// framed sends every Write as one length-prefixed frame and reads frames
// back. Keeping a frame's unread rest for the next Read is legal framing;
// dropRest loses it on a short read; emptyIsEOF treats an empty frame as
// the end of the stream. A Read that times out mid-frame keeps what it got.
type framed struct {
	Conn
	dropRest, emptyIsEOF bool
	halfFrames           bool // a Write that fails partway reports 0 and leaves the partial frame on the wire
	wholeLength          bool // a Read shorter than the frame reports the frame's length, with io.ErrShortBuffer

	wmu  sync.Mutex
	dead error // the error of a Write that left a partial frame: every later Write fails with it

	rmu  sync.Mutex
	hdr  [4]byte
	hn   int    // header bytes read
	body []byte // the frame being read, nil while reading a header
	bn   int    // body bytes read
	rest []byte // the unread part of the last complete frame
}

func (c *framed) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.dead != nil {
		return 0, c.dead
	}
	frame := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(p)), uint32(len(p)))
	if n, err := c.Conn.Write(append(frame, p...)); err != nil {
		if n > 0 && !c.halfFrames {
			c.dead = err // the peer would read the rest of the stream as this frame's: end it
		}
		return 0, err
	}
	return len(p), nil
}

func (c *framed) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for len(c.rest) == 0 && len(p) > 0 {
		if c.body == nil {
			n, err := io.ReadFull(c.Conn, c.hdr[c.hn:])
			if c.hn += n; err != nil {
				return 0, err
			}
			c.body, c.bn = make([]byte, binary.BigEndian.Uint32(c.hdr[:])), 0
			if len(c.body) == 0 && c.emptyIsEOF {
				return 0, io.EOF
			}
		}
		n, err := io.ReadFull(c.Conn, c.body[c.bn:])
		if c.bn += n; err != nil {
			return 0, err
		}
		c.rest, c.body, c.hn = c.body, nil, 0
	}
	n := copy(p, c.rest)
	if c.wholeLength && n < len(c.rest) {
		whole := len(c.rest)
		c.rest = nil
		return whole, io.ErrShortBuffer
	}
	c.rest = c.rest[n:]
	if c.dropRest {
		c.rest = nil
	}
	return n, nil
}
