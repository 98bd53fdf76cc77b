package measure

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/internal/units"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/rawconn"
)

// Method names in Capacity.Method.
const (
	MethodSyscall    = "nonblocking-syscall" // write(2) on the non-blocking descriptor until EAGAIN persists
	MethodDeadline   = "write-deadline"      // Write with a deadline extended while bytes go in
	MethodStallWatch = "stall-watch"         // Write in a goroutine, watched until it stops moving
)

// ErrDeadlineEnded says a Write that a deadline should have timed out
// failed with another error once the deadline passed: the transport ends
// the connection when a deadline fires (coder/websocket's NetConn:
// "When a deadline is hit and there is an active read or write goroutine,
// the connection will be closed", netconn.go). Measure on a fresh pair
// with FillWithoutDeadlines.
var ErrDeadlineEnded = errors.New("the write deadline ended the connection")

// FillOption adjusts MeasureCapacity.
type FillOption func(*fillConfig)

type fillConfig struct {
	limit                int64
	settleMin, settleMax time.Duration
	writeSize            int
	seed                 uint64
	noDeadlines          bool
	queued               int64
}

// FillLimit fails the measurement once more than n bytes go in without
// blocking (default BackpressureBound).
func FillLimit(n int64) FillOption { return func(c *fillConfig) { c.limit = n } }

// FillSettle bounds the settle window: how long the kernel's EAGAIN and
// queue sizes must stay unchanged before the writer counts as blocked. The
// window starts at lo and grows to twice the longest quiet gap seen before
// a queue moved again (and at least four round trips for TCP), up to hi.
// Defaults: 10 ms and 500 ms.
func FillSettle(lo, hi time.Duration) FillOption {
	return func(c *fillConfig) { c.settleMin, c.settleMax = lo, max(lo, hi) }
}

// FillWriteSize sets the bytes offered per write (default 64 KiB with a
// descriptor, 4 KiB without one, where a blocked Write hides its progress).
func FillWriteSize(n int) FillOption { return func(c *fillConfig) { c.writeSize = n } }

// FillSeed sets the pattern written (default 1): the reader can check the
// bytes with ReceivePattern(r, seed, accepted_bytes, ...).
func FillSeed(seed uint64) FillOption { return func(c *fillConfig) { c.seed = seed } }

// FillQueued says n bytes the writer sent earlier sit unread at the reader
// when the fill begins: they count as accepted (Capacity.QueuedBeforeBytes)
// and are in the queues the measurement accounts for.
func FillQueued(n int64) FillOption { return func(c *fillConfig) { c.queued = n } }

// FillWithoutDeadlines says the writer ignores SetWriteDeadline: without a
// descriptor, MeasureCapacity then watches a blocked Write instead.
func FillWithoutDeadlines() FillOption { return func(c *fillConfig) { c.noDeadlines = true } }

// MeasureCapacity writes Pattern(seed) to writer, whose peer reader must
// not be read meanwhile, until the writer blocks, and says where the
// accepted bytes are.
//
// With kernel descriptors on both ends (TCP, Unix, pipes) it writes with
// write(2) on the writer's non-blocking descriptor inside RawConn.Control
// until EAGAIN persists across an adaptive settle window in which the
// kernel's queues stay unchanged and poll(2) reports no write space; it
// then reads the queues (ProbeQueues) and checks conservation:
//   - TCP: accepted == receiver's SIOCINQ + sender's SIOCOUTQ (unsent +
//     in flight), to the byte;
//   - pipe: accepted == FIONREAD;
//   - Unix stream: accepted == receiver's SIOCINQ; the sender's SIOCOUTQ
//     is the skb truesize charged to it, payload plus overhead.
//
// Without descriptors it writes with short write deadlines, extended while
// bytes go in; with FillWithoutDeadlines it watches a writing goroutine for
// a stall, bounded like Within, and leaves its blocked Write behind
// (Capacity.PendingBytes): the caller must drain or close the pair. After
// a timed-out Write some transports are unusable (crypto/tls says so).
func MeasureCapacity(ctx context.Context, writer, reader net.Conn, opts ...FillOption) (Capacity, error) {
	cfg := fillConfig{limit: catalogue.BackpressureBound, settleMin: 10 * time.Millisecond, settleMax: 500 * time.Millisecond, seed: 1}
	for _, o := range opts {
		o(&cfg)
	}
	_, w := rawconn.RawConns(writer)
	r, _ := rawconn.RawConns(reader)
	start := time.Now()
	var c Capacity
	var err error
	if w != nil && r != nil && kernel.Nonblocking(w) {
		if cfg.writeSize == 0 {
			cfg.writeSize = 64 << 10
		}
		c, err = fillSyscall(ctx, w, r, cfg)
	} else {
		if cfg.writeSize == 0 {
			cfg.writeSize = 4 << 10
		}
		c, err = fillConn(ctx, writer, cfg)
	}
	c.ElapsedMillis = time.Since(start).Milliseconds()
	c.WriteSize, c.Seed = cfg.writeSize, cfg.seed
	return c, err
}

// patternSource hands out Pattern(seed) in chunks and takes back what a
// partial write did not accept, so the stream written has no gaps.
type patternSource struct {
	src  interface{ Read([]byte) (int, error) }
	buf  []byte
	next []byte
}

func newPatternSource(seed uint64, size int) *patternSource {
	return &patternSource{src: pattern.Pattern(seed), buf: make([]byte, size)}
}

// chunk returns the bytes to offer next.
func (s *patternSource) chunk() []byte {
	if len(s.next) == 0 {
		_, _ = s.src.Read(s.buf)
		s.next = s.buf
	}
	return s.next
}

// took records that n bytes of the last chunk were accepted.
func (s *patternSource) took(n int) { s.next = s.next[n:] }

// fillSyscall is MeasureCapacity with descriptors.
func fillSyscall(ctx context.Context, w, r syscall.RawConn, cfg fillConfig) (Capacity, error) {
	c := Capacity{Method: MethodSyscall, AcceptedBytes: cfg.queued, QueuedBeforeBytes: cfg.queued}
	src := newPatternSource(cfg.seed, cfg.writeSize)
	prev, err := kernel.ProbeRaw(w, r)
	if err != nil && prev.Kind == "" {
		return c, fmt.Errorf("probing queues: %w", err)
	}
	base := ackPending(prev, 0) // 0 for an idle stream; absorbs a SYN counted on one side only
	lastChange := time.Now()
	var quietest time.Duration // the longest quiet gap that ended in a change
	var window time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return c, fmt.Errorf("filling after %s: %w", units.Bytes(c.AcceptedBytes), err)
		}
		n, werr := kernel.WriteNB(w, src.chunk())
		src.took(n)
		c.AcceptedBytes += int64(n)
		if c.AcceptedBytes > cfg.limit {
			return c, fmt.Errorf("%s accepted without blocking: more than the %s limit", units.Bytes(c.AcceptedBytes), units.Bytes(cfg.limit))
		}
		if werr != nil && !kernel.IsAgain(werr) {
			return c, fmt.Errorf("write(2) after %s: %w", units.Bytes(c.AcceptedBytes), werr)
		}
		now := time.Now()
		q, _ := kernel.ProbeRaw(w, r)
		if n > 0 || q.Moved(prev) {
			if n == 0 {
				quietest = max(quietest, now.Sub(lastChange))
			}
			lastChange, prev = now, q
			if n > 0 {
				continue
			}
		}
		window = cfg.settleMin
		window = max(window, 2*quietest)
		if q.TCP != nil {
			window = max(window, 4*q.TCP.RTT)
			if q.InFlight > 0 && q.TCP.ATO > 0 {
				window = max(window, 2*q.TCP.ATO) // let a delayed ACK come back
			}
		}
		window = min(window, cfg.settleMax)
		quiet := now.Sub(lastChange)
		if quiet >= window {
			break
		}
		if _, err := kernel.WaitWritable(w, min(window-quiet, max(window/4, time.Millisecond))); err != nil {
			return c, fmt.Errorf("after %s: %w", units.Bytes(c.AcceptedBytes), err)
		}
	}
	c.SettleMillis = window.Milliseconds()
	c.decompose(prev, base)
	return c, nil
}

// ackPending is TCP payload the receiver has that the sender has not seen
// acknowledged, less base; -1 when unknown.
func ackPending(q kernel.Queues, base int64) int64 {
	if q.TCP == nil || q.TCP.BytesReceived < 0 || q.TCP.BytesAcked < 0 {
		return -1
	}
	return q.TCP.BytesReceived - q.TCP.BytesAcked - base
}

// decompose fills c's breakdown from the queues once the writer blocked,
// and checks conservation for the kind of descriptor.
func (c *Capacity) decompose(q kernel.Queues, base int64) {
	c.Kind = q.Kind
	c.SenderQueuedBytes, c.SenderUnsentBytes, c.InFlightBytes = q.SendQueued, q.SendUnsent, q.InFlight
	c.ReceiverQueuedBytes = q.RecvQueued
	c.SoSndbuf, c.SoRcvbuf, c.PipeSize = q.SndBuf, q.RcvBuf, q.PipeSize
	c.TCP = q.TCP
	c.AccountedBytes, c.AckPendingBytes = -1, -1
	switch q.Kind {
	case harness.KindTCP:
		c.Accounting = "receiver_queued_bytes + sender_queued_bytes"
		if q.RecvQueued >= 0 && q.SendQueued >= 0 {
			c.AccountedBytes = q.RecvQueued + q.SendQueued
		}
		if c.AckPendingBytes = max(-1, ackPending(q, base)); c.AckPendingBytes >= 0 && c.AccountedBytes >= 0 {
			c.Accounting += " - ack_pending_bytes"
			c.AccountedBytes -= c.AckPendingBytes
		}
	case harness.KindPipe:
		c.Accounting = "receiver_queued_bytes"
		c.AccountedBytes = q.RecvQueued
		c.SenderQueuedBytes, c.SenderUnsentBytes, c.InFlightBytes = 0, 0, 0 // one buffer, counted once
	case harness.KindUnix:
		c.Accounting = "receiver_queued_bytes"
		c.AccountedBytes = q.RecvQueued
		c.Notes = "the payload sits in the receiver's queue; sender_queued_bytes is what is charged to the sender's " +
			"send buffer (Linux SIOCOUTQ counts skb truesize, payload plus overhead), not more payload"
	default:
		c.Accounting = "none: not a kernel stream"
	}
	c.Conserved = c.AccountedBytes >= 0 && c.AccountedBytes == c.AcceptedBytes
}

// fillConn is MeasureCapacity without descriptors: the writer's own Write
// with deadlines, or watched for a stall.
func fillConn(ctx context.Context, writer net.Conn, cfg fillConfig) (Capacity, error) {
	c := Capacity{Method: MethodDeadline, AcceptedBytes: cfg.queued, QueuedBeforeBytes: cfg.queued,
		AccountedBytes: -1, AckPendingBytes: -1, Accounting: "none: no kernel queues to read",
		SenderQueuedBytes: -1, SenderUnsentBytes: -1, InFlightBytes: -1, ReceiverQueuedBytes: -1,
		SoSndbuf: -1, SoRcvbuf: -1, PipeSize: -1}
	window := max(3*cfg.settleMin, 30*time.Millisecond)
	if cfg.noDeadlines {
		c.Method = MethodStallWatch
	}
	src := newPatternSource(cfg.seed, cfg.writeSize)
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	pending := make(chan int, 1)
	write := func() {
		p := src.chunk()
		pending <- len(p)
		if !cfg.noDeadlines {
			_ = writer.SetWriteDeadline(time.Now().Add(window))
		}
		n, err := func() (n int, err error) {
			defer func() {
				if v := recover(); v != nil {
					err = &bound.PanicError{Op: "Write", Value: v}
				}
			}()
			return writer.Write(p)
		}()
		done <- result{n, err}
	}
	tick := time.NewTicker(window / 4)
	defer tick.Stop()
	quiet := 0
	for {
		began := time.Now()
		go write()
		size := <-pending
		lastMove := time.Now()
		var res result
	wait:
		for {
			select {
			case res = <-done:
				break wait
			case <-ctx.Done():
				c.PendingBytes = int64(size)
				return c, fmt.Errorf("filling after %s: %w", units.Bytes(c.AcceptedBytes), ctx.Err())
			case now := <-tick.C:
				if now.Sub(lastMove) < window+bound.Stall/4 {
					continue
				}
				// The Write outlived its deadline (or there is none): the
				// writer is blocked. Leave the Write behind.
				c.PendingBytes = int64(size)
				if !cfg.noDeadlines {
					c.Method, c.Notes = MethodStallWatch, "the write deadline did not end the blocked Write; it was left pending"
				}
				c.SettleMillis = (window + bound.Stall/4).Milliseconds()
				return c, nil
			}
		}
		src.took(res.n)
		c.AcceptedBytes += int64(res.n)
		if c.AcceptedBytes > cfg.limit {
			return c, fmt.Errorf("%s accepted without blocking: more than the %s limit", units.Bytes(c.AcceptedBytes), units.Bytes(cfg.limit))
		}
		if res.err == nil {
			quiet = 0
			continue
		}
		var ne net.Error
		if !errors.As(res.err, &ne) || !ne.Timeout() {
			if !cfg.noDeadlines && time.Since(began) >= window {
				//lint:ignore ST1005 the message names the io.Writer method
				return c, fmt.Errorf("Write after %s: %w: %w", units.Bytes(c.AcceptedBytes), ErrDeadlineEnded, res.err)
			}
			//lint:ignore ST1005 the message names the io.Writer method
			return c, fmt.Errorf("Write after %s: %w", units.Bytes(c.AcceptedBytes), res.err)
		}
		// A Write that timed out having taken bytes was slow, not blocked
		// (a throttled link takes a little every window): go on. Blocked is
		// quietWindows timed-out Writes in a row that took nothing.
		if quiet = quiet + 1; res.n > 0 {
			quiet = 0
		}
		if quiet >= quietWindows {
			_ = writer.SetWriteDeadline(time.Time{})
			c.SettleMillis = (quietWindows * window).Milliseconds()
			return c, nil
		}
	}
}

// quietWindows is how many write-deadline windows in a row must pass with
// nothing accepted before a writer without descriptors counts as blocked:
// one can pass empty on a transport that sends in bursts.
const quietWindows = 2
