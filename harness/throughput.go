package harness

import (
	"net"
	"sync/atomic"
	"time"
)

// Throughput is what a short one-way transfer showed of a transport's pace.
type Throughput struct {
	BytesPerSec float64       `json:"bytes_per_s"` // 0: unknown (nothing arrived in the window's second half)
	Bytes       int64         `json:"bytes"`       // received in the whole window
	Elapsed     time.Duration `json:"elapsed_ns"`
}

// Known reports whether the measurement gives a rate: bytes kept arriving.
func (t Throughput) Known() bool { return t.BytesPerSec > 0 }

// MeasureThroughput writes from a to b for at most window, or until limit
// bytes have arrived, and returns the rate at which they arrived. Stopping
// at limit early, it is limit over the time taken; otherwise the rate over
// the window's second half, which leaves out a start-up burst (a token
// bucket's, a buffer filling) and a slow start. A transport that stops
// moving in the second half (stalled, or lost a wakeup) gets no rate,
// so that it is not mistaken for a slow one. The bytes are not checked:
// that is the specs' job. The caller must close a and b afterwards, which
// ends the writer and reader it leaves running.
func MeasureThroughput(a, b net.Conn, limit int64, window time.Duration) Throughput {
	var got atomic.Int64
	reached := make(chan struct{})
	go func() {
		buf := make([]byte, 64<<10)
		_, _ = Pattern(0).Read(buf)
		for {
			if _, err := a.Write(buf); err != nil {
				return
			}
		}
	}()
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := b.Read(buf)
			if now := got.Add(int64(n)); now >= limit && now-int64(n) < limit {
				close(reached)
			}
			if err != nil {
				return
			}
		}
	}()
	start := time.Now()
	half, end := time.NewTimer(window/2), time.NewTimer(window)
	defer half.Stop()
	defer end.Stop()
	var atHalf int64
	for {
		select {
		case <-reached:
			d := time.Since(start)
			return Throughput{BytesPerSec: float64(got.Load()) / d.Seconds(), Bytes: got.Load(), Elapsed: d}
		case <-half.C:
			atHalf = got.Load()
		case <-end.C:
			moved := got.Load()
			return Throughput{BytesPerSec: float64(moved-atHalf) / (window - window/2).Seconds(), Bytes: moved, Elapsed: time.Since(start)}
		}
	}
}
