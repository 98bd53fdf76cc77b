package zoo

import (
	"context"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// quirks are the faults that live inside the queue rather than in a wrapper
// around it. The zero value is a healthy queue.
type quirks struct {
	unbounded    bool // Write never blocks: the queue grows without limit
	lostWakeup   bool // a Read does not wake a Write waiting for room
	dropOnClose  bool // Close discards what the peer has not read yet
	eofFirst     bool // Read reports io.EOF once the writer has closed, before the queued bytes
	stopCloses   bool // (not a fault) stop closes the endpoints, for wrappers whose Close does not
	capacityHint int  // queue size in bytes; QueueSize when 0
	rate         int  // (not a fault) bytes a second each direction takes in, through a token bucket; 0: no limit
	ramp         int  // (not a fault) bytes a second the rate grows by every second, up to rampTo: a slow start
	rampTo       int
	pulse        time.Duration // (not a fault) with rate: the tokens come in steps, rate×pulse every pulse: fast on average, silent between
	stallAfter   int           // a direction takes in this many bytes, then no more: Writes wait forever; 0: never
	silentClose  bool          // Close ends this end only and the peer is never told, as in a protocol without FIN or RST (kcp-go)
}

// QueueSize is the capacity of each direction of a zoo queue: the same as
// a Linux pipe, so the queue blocks writers as early as a kernel transport.
const QueueSize = 64 << 10

// Queue is a healthy in-process stream: each direction is a bounded byte
// queue with deadlines, CloseWrite and a full Close. Every fault in the zoo
// is this queue with one thing broken, so a failure is the fault's alone.
func Queue() harness.Transport { return queueTransport("zoo-queue", quirks{}, nil) }

// queueTransport makes queue pairs with the given quirks, each endpoint
// wrapped by wrap when it is not nil.
func queueTransport(name string, q quirks, wrap func(Conn) Conn) harness.Transport {
	return harness.New(name, harness.Traits{Kind: harness.KindMemory, Notes: "zoo"},
		func(context.Context) (net.Conn, net.Conn, func(), error) {
			a, b := newQueuePair(q)
			var stop func()
			if q.stopCloses {
				stop = func() { a.Close(); b.Close() }
			}
			if wrap == nil {
				return a, b, stop, nil
			}
			return wrap(a), wrap(b), stop, nil
		})
}

// Conn is a zoo endpoint: a net.Conn with half-close.
type Conn interface {
	net.Conn
	CloseWrite() error
}

func newQueuePair(q quirks) (*end, *end) {
	size := q.capacityHint
	if size == 0 {
		size = QueueSize
	}
	ab, ba := newDirection(size, q), newDirection(size, q)
	return newEnd(ba, ab, q), newEnd(ab, ba, q)
}

// direction is one way of a queue pair: the bytes one end wrote and the
// other has not read yet.
type direction struct {
	mu      sync.Mutex
	ring    ring
	eof     bool          // the writing end closed its side
	gone    bool          // the reading end closed: writes fail
	changed chan struct{} // closed and replaced on every change
	bucket  *bucket       // nil: no rate limit
	room    int           // stallAfter: bytes it still takes in; -1: no limit
}

func newDirection(size int, q quirks) *direction {
	d := &direction{ring: ring{buf: make([]byte, size), grow: q.unbounded}, changed: make(chan struct{}), room: -1}
	if q.rate > 0 {
		d.bucket = newBucket(q.rate, q.ramp, q.rampTo, q.pulse)
	}
	if q.stallAfter > 0 {
		d.room = q.stallAfter
	}
	return d
}

// admit is how much of n bytes the direction takes in now, and, when that
// is nothing for want of tokens, when to try again; d.mu is held.
func (d *direction) admit(n int) (int, <-chan time.Time) {
	if d.room >= 0 {
		n = min(n, d.room)
	}
	if d.bucket == nil || n == 0 {
		return n, nil
	}
	return d.bucket.take(n)
}

// took records that m admitted bytes went into the ring; d.mu is held.
func (d *direction) took(m int) {
	if d.room >= 0 {
		d.room -= m
	}
	if d.bucket != nil {
		d.bucket.spend(m)
	}
}

// bucket is a token bucket: bytes flow at rate a second, in bursts of at
// most a tenth of that (at most 64 KiB), like a link of that rate with a
// small queue in front. With ramp, the rate grows by ramp every second
// from the bucket's start, up to rampTo, as a congestion window opens.
// With pulse, the tokens come in steps instead, rate×pulse at every
// multiple of pulse from the start, like a sender that flushes on a timer.
type bucket struct {
	rate, ramp, rampTo float64
	pulse              time.Duration
	tokens             float64
	start, last        time.Time
}

func newBucket(rate, ramp, rampTo int, pulse time.Duration) *bucket {
	now := time.Now()
	b := &bucket{rate: float64(rate), ramp: float64(ramp), rampTo: float64(rampTo), pulse: pulse, start: now, last: now}
	b.tokens = b.burst(b.rateAt(now))
	return b
}

// rateAt is the rate at time t.
func (b *bucket) rateAt(t time.Time) float64 {
	if b.ramp == 0 {
		return b.rate
	}
	return min(b.rampTo, b.rate+b.ramp*t.Sub(b.start).Seconds())
}

// burst is 100 ms worth at rate, at most 64 KiB: a late timer does not
// cost the rate; with pulse, one pulse's worth.
func (b *bucket) burst(rate float64) float64 {
	if b.pulse > 0 {
		return rate * b.pulse.Seconds()
	}
	return min(rate/10, 64<<10)
}

// take refills the bucket and returns how many of n bytes it allows now;
// when none, a timer for when a useful amount will be there.
func (b *bucket) take(n int) (int, <-chan time.Time) {
	now := time.Now()
	rate := b.rateAt(now)
	if b.pulse > 0 {
		steps := now.Sub(b.last) / b.pulse
		b.tokens = min(b.burst(rate), b.tokens+float64(steps)*b.burst(rate))
		b.last = b.last.Add(steps * b.pulse)
		if m := min(n, int(b.tokens)); m > 0 {
			return m, nil
		}
		return 0, time.After(b.last.Add(b.pulse).Sub(now))
	}
	b.tokens = min(b.burst(rate), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if m := min(n, int(b.tokens)); m > 0 {
		return m, nil
	}
	want := min(float64(n), b.burst(rate)) - b.tokens
	return 0, time.After(time.Duration(want / rate * float64(time.Second)))
}

func (b *bucket) spend(m int) { b.tokens -= float64(m) }

// notify wakes everything waiting on d; d.mu is held.
func (d *direction) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// end is one endpoint: it reads in and writes out.
type end struct {
	in, out   *direction
	rd, wd    deadline
	wmu       sync.Mutex // one Write at a time, so concurrent Writes stay whole
	closed    chan struct{}
	closeOnce sync.Once
	readShut  atomic.Bool // closeRead: Reads fail, the peer's Writes fail
	q         quirks
}

func newEnd(in, out *direction, q quirks) *end {
	return &end{in: in, out: out, rd: newDeadline(), wd: newDeadline(), closed: make(chan struct{}), q: q}
}

func (e *end) Read(p []byte) (int, error) {
	d := e.in
	for {
		if err := e.check(&e.rd); err != nil {
			return 0, err
		}
		if e.readShut.Load() {
			return 0, net.ErrClosed
		}
		d.mu.Lock()
		if d.eof && e.q.eofFirst {
			d.mu.Unlock()
			return 0, io.EOF
		}
		if d.ring.n > 0 || d.eof || len(p) == 0 {
			n := d.ring.read(p)
			if n > 0 && !e.q.lostWakeup {
				d.notify()
			}
			eof := n == 0 && len(p) > 0
			d.mu.Unlock()
			if eof {
				return 0, io.EOF
			}
			return n, nil
		}
		changed := d.changed
		d.mu.Unlock()
		e.wait(changed, &e.rd)
	}
}

func (e *end) Write(p []byte) (int, error) {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	d := e.out
	n := 0
	for {
		if err := e.check(&e.wd); err != nil {
			return n, err
		}
		d.mu.Lock()
		if d.eof || d.gone {
			d.mu.Unlock()
			return n, syscall.EPIPE
		}
		allowed, later := d.admit(len(p) - n)
		m := d.ring.write(p[n : n+allowed])
		d.took(m)
		n += m
		if m > 0 {
			d.notify()
		}
		changed := d.changed
		d.mu.Unlock()
		if n == len(p) {
			return n, nil
		}
		if m > 0 && m == allowed && d.bucket != nil {
			continue // the tokens ran out, not the room: ask the bucket when to go on
		}
		e.waitOr(changed, &e.wd, later)
	}
}

// check reports why an operation cannot go on: the end is closed or its
// deadline has passed.
func (e *end) check(dl *deadline) error {
	select {
	case <-e.closed:
		return net.ErrClosed
	case <-dl.wait():
		return os.ErrDeadlineExceeded
	default:
		return nil
	}
}

func (e *end) wait(changed chan struct{}, dl *deadline) { e.waitOr(changed, dl, nil) }

// waitOr is wait that also ends when later fires (a token bucket's
// refill); a nil later never fires.
func (e *end) waitOr(changed chan struct{}, dl *deadline, later <-chan time.Time) {
	select {
	case <-changed:
	case <-e.closed:
	case <-dl.wait():
	case <-later:
	}
}

// Close ends both directions: the peer reads what is queued, then io.EOF,
// and its writes fail.
func (e *end) Close() error {
	err := net.ErrClosed
	e.closeOnce.Do(func() {
		err = nil
		close(e.closed)
		if e.q.silentClose {
			return
		}
		e.out.mu.Lock()
		e.out.eof = true
		if e.q.dropOnClose {
			e.out.ring.reset()
		}
		e.out.notify()
		e.out.mu.Unlock()
		e.in.mu.Lock()
		e.in.gone = true
		e.in.ring.reset()
		e.in.notify()
		e.in.mu.Unlock()
	})
	return err
}

// CloseWrite ends the writing direction: the peer reads what is queued,
// then io.EOF.
func (e *end) CloseWrite() error {
	select {
	case <-e.closed:
		return net.ErrClosed
	default:
	}
	e.out.mu.Lock()
	defer e.out.mu.Unlock()
	e.out.eof = true
	e.out.notify()
	return nil
}

// closeRead ends the reading direction: what is queued is dropped, Reads
// fail and the peer's Writes fail (a QUIC STOP_SENDING).
func (e *end) closeRead() {
	e.readShut.Store(true)
	e.in.mu.Lock()
	defer e.in.mu.Unlock()
	e.in.gone = true
	e.in.ring.reset()
	e.in.notify()
}

// peerClosed reports whether the peer has closed its end (not only its
// writing direction).
func (e *end) peerClosed() bool {
	e.out.mu.Lock()
	defer e.out.mu.Unlock()
	return e.out.gone
}

// awaitPeerEOF waits up to d for the peer to end its writing direction
// (CloseWrite or Close) and reports whether it did.
func (e *end) awaitPeerEOF(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		e.in.mu.Lock()
		eof, changed := e.in.eof, e.in.changed
		e.in.mu.Unlock()
		if eof {
			return true
		}
		select {
		case <-changed:
		case <-t.C:
			return false
		}
	}
}

func (e *end) LocalAddr() net.Addr  { return addr{} }
func (e *end) RemoteAddr() net.Addr { return addr{} }
func (e *end) SetDeadline(t time.Time) error {
	e.rd.set(t)
	e.wd.set(t)
	return nil
}
func (e *end) SetReadDeadline(t time.Time) error  { e.rd.set(t); return nil }
func (e *end) SetWriteDeadline(t time.Time) error { e.wd.set(t); return nil }

type addr struct{}

func (addr) Network() string { return "zoo" }
func (addr) String() string  { return "zoo" }

// ring is a byte queue in a fixed buffer or, when grow is set, in a list
// of chunks that never needs a big copy (so an unbounded writer never
// stalls long enough to look blocked).
type ring struct {
	buf    []byte
	r, n   int
	grow   bool
	chunks [][]byte
}

// write copies as much of p as fits and returns how much that was.
func (q *ring) write(p []byte) int {
	if q.grow {
		if len(p) > 0 {
			q.chunks = append(q.chunks, slices.Clone(p))
			q.n += len(p)
		}
		return len(p)
	}
	m := min(len(p), len(q.buf)-q.n)
	w := (q.r + q.n) % len(q.buf)
	c := copy(q.buf[w:], p[:m])
	copy(q.buf, p[c:m])
	q.n += m
	return m
}

// read moves up to len(p) bytes into p.
func (q *ring) read(p []byte) int {
	if q.grow {
		m := 0
		for m < len(p) && len(q.chunks) > 0 {
			c := copy(p[m:], q.chunks[0])
			if q.chunks[0] = q.chunks[0][c:]; len(q.chunks[0]) == 0 {
				q.chunks = q.chunks[1:]
			}
			m += c
		}
		q.n -= m
		return m
	}
	m := min(len(p), q.n)
	c := copy(p[:m], q.buf[q.r:])
	copy(p[c:m], q.buf)
	q.r = (q.r + m) % len(q.buf)
	q.n -= m
	return m
}

// reset drops everything queued.
func (q *ring) reset() { q.n, q.chunks = 0, nil }

// deadline is a point in time whose channel is closed once it has passed,
// the design of net.Pipe's pipeDeadline (src/net/pipe.go).
type deadline struct {
	mu      sync.Mutex
	timer   *time.Timer
	expired chan struct{}
}

func newDeadline() deadline { return deadline{expired: make(chan struct{})} }

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.expired // the timer fired: wait until it has closed the channel
	}
	d.timer = nil
	passed := isClosed(d.expired)
	if passed {
		d.expired = make(chan struct{})
	}
	switch dur := time.Until(t); {
	case t.IsZero():
	case dur > 0:
		ch := d.expired
		d.timer = time.AfterFunc(dur, func() { close(ch) })
	default:
		close(d.expired)
	}
}

// wait returns a channel closed when the deadline has passed; nil (never
// ready) for a zero deadline value.
func (d *deadline) wait() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.expired
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
