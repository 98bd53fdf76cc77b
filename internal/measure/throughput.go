package measure

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/streamspec/streamspec/internal/goroutine"
	"github.com/streamspec/streamspec/internal/pattern"
)

// Throughput is what a short one-way transfer showed of a transport's pace.
type Throughput struct {
	BytesPerSec float64       `json:"bytes_per_s"` // 0: unknown (nothing arrived after the first interval)
	Bytes       int64         `json:"bytes"`       // received in the whole window
	Elapsed     time.Duration `json:"elapsed_ns"`
	// LongestGap is the longest time between two Reads that returned
	// bytes: how long the transport goes silent by itself while both ends
	// are busy (a sender that flushes on a timer, a pacing token bucket).
	LongestGap time.Duration `json:"longest_gap_ns"`
}

// Known reports whether the measurement gives a rate: bytes kept arriving.
func (t Throughput) Known() bool { return t.BytesPerSec > 0 }

// MeasureThroughput writes from a to b until limit bytes have arrived or
// at most max has passed, and returns the rate at which they arrived.
// Reaching limit, it is limit over the time taken. Otherwise it counts the
// bytes arriving in intervals of step and takes the first interval after
// the first in which any arrived: that leaves out a start-up burst (a
// token bucket's, a buffer filling). The rate stands once bytes arrive in
// a later interval too: a loaded scheduler can spread a burst over two
// intervals, and a transport that stalls after it must not get a rate from
// the second. A transport that moves nothing for two intervals while its
// writer and reader both wait on it (Parked: stalled, or lost a wakeup)
// gets no rate, so that it is not taken for a slow one; an interval in
// which a loaded scheduler ran neither is not held against it. The writer
// makes and the reader compares the specs' pattern, so the rate includes
// what moving a byte costs the harness itself (more in a race-detector
// build or on a loaded machine); a mismatch is for the specs to report,
// not the probe. Before it returns, the writer stops and the reader drains
// its last Write, where the transport moves it: a Write left blocked until
// Close is what close-unblocks judges, and some transports forbid Close
// during a Write (quic-go's SendStream.Close "must not be called
// concurrently with [SendStream.Write]"; one so closed is never woken).
// The caller must close a and b afterwards, which ends the reader.
func MeasureThroughput(a, b net.Conn, limit int64, step, max time.Duration) (t Throughput) {
	var got, gap atomic.Int64
	reached := make(chan struct{})
	ids := make(chan uint64, 2)
	const chunk = 64 << 10
	stop, stopped := make(chan struct{}), make(chan struct{})
	defer func() {
		close(stop)
		if t.Known() { // a stalled transport's writer may never return
			drain := 2*time.Duration(float64(chunk)/t.BytesPerSec*float64(time.Second)) + step
			select {
			case <-stopped:
			case <-time.After(min(drain, max)):
			}
		}
	}()
	go func() {
		defer close(stopped)
		ids <- goroutine.ID()
		src, buf := pattern.Pattern(0), make([]byte, chunk)
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = src.Read(buf)
			if _, err := a.Write(buf); err != nil {
				return
			}
		}
	}()
	go func() {
		ids <- goroutine.ID()
		want := pattern.NewChecker(0)
		buf := make([]byte, 64<<10)
		var last time.Time
		for {
			n, err := b.Read(buf)
			if now := time.Now(); n > 0 {
				if !last.IsZero() && now.Sub(last) > time.Duration(gap.Load()) {
					gap.Store(int64(now.Sub(last)))
				}
				last = now
			}
			_, _ = want.Check(buf[:n]) // the specs' cost per byte, not their verdict
			if now := got.Add(int64(n)); now >= limit && now-int64(n) < limit {
				close(reached)
			}
			if err != nil {
				return
			}
		}
	}()
	writer, reader := <-ids, <-ids
	start := time.Now()
	tick := time.NewTicker(step)
	defer tick.Stop()
	var last int64
	var rate float64 // the first interval's after the start-up burst, until a later one confirms it
	stalled := 0
	for {
		select {
		case <-reached:
			d := time.Since(start)
			return Throughput{BytesPerSec: float64(got.Load()) / d.Seconds(), Bytes: got.Load(), Elapsed: d, LongestGap: time.Duration(gap.Load())}
		case <-tick.C:
		}
		now := got.Load()
		switch {
		case now > last && rate > 0:
			return Throughput{BytesPerSec: rate, Bytes: now, Elapsed: time.Since(start), LongestGap: time.Duration(gap.Load())}
		case now > last && last > 0:
			rate = float64(now-last) / step.Seconds()
			stalled = 0
		case now == last && goroutine.Parked(writer) && goroutine.Parked(reader):
			stalled++
		default:
			stalled = 0
		}
		if stalled >= 2 || time.Since(start) >= max {
			return Throughput{Bytes: now, Elapsed: time.Since(start)}
		}
		last = now
	}
}
