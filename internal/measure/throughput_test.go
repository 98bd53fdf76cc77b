package measure_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pattern"
)

// stallAfter is a net.Pipe whose writer stops after n bytes, as a
// transport that stalls does: its Writes then wait until Close. With a
// pause, the writer stops for that long once, halfway: a burst that a
// loaded scheduler spread over two of the probe's intervals.
type stallAfter struct {
	net.Conn
	left   atomic.Int64
	pause  time.Duration
	closed chan struct{}
}

func (s *stallAfter) Write(p []byte) (int, error) {
	left := s.left.Add(-int64(len(p)))
	if left < 0 {
		<-s.closed
		return 0, net.ErrClosed
	}
	if half := int64(512 << 10); s.pause > 0 && left < half && left+int64(len(p)) >= half {
		time.Sleep(s.pause) // the stimulus: a writer descheduled mid-burst
	}
	return s.Conn.Write(p)
}

func (s *stallAfter) Close() error {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	return s.Conn.Close()
}

// TestMeasureThroughput: a fast transport reaches the limit early and gets
// a rate; one that stalls after a burst gets none, so it is not taken for
// a slow one; a slow one gets its rate, its first burst left out.
func TestMeasureThroughput(t *testing.T) {
	a, b := net.Pipe()
	fast := measure.MeasureThroughput(a, b, 4<<20, 500*time.Millisecond, time.Second)
	a.Close()
	b.Close()
	if !fast.Known() || fast.Bytes < 4<<20 || fast.Elapsed >= 500*time.Millisecond {
		t.Fatalf("net.Pipe: %+v, want 4 MiB early with a rate", fast)
	}
	// Intervals of 150 ms: 1 MiB on net.Pipe takes a few milliseconds, so
	// only a burst spread over three of them could pass for a slow link.
	const step = 150 * time.Millisecond
	for _, pause := range []time.Duration{0, step * 3 / 2} {
		a, b = net.Pipe()
		s := &stallAfter{Conn: a, pause: pause, closed: make(chan struct{})}
		s.left.Store(1 << 20)
		stalled := measure.MeasureThroughput(s, b, 64<<20, step, 8*step)
		s.Close()
		b.Close()
		if stalled.Known() || stalled.Bytes != 1<<20 {
			t.Fatalf("a pipe that stalls after 1 MiB (pausing %v halfway): %+v, want 1 MiB and no rate", pause, stalled)
		}
	}
	a, b = net.Pipe()
	slow := measure.MeasureThroughput(&trickle{Conn: a, every: 10 * time.Millisecond}, b, 64<<20, 100*time.Millisecond, time.Second)
	a.Close()
	b.Close()
	if want := float64(64<<10) / 0.010; slow.BytesPerSec < want/3 || slow.BytesPerSec > want*1.5 {
		t.Fatalf("64 KiB every 10 ms: %+v, want about %.0f B/s", slow, want)
	}
}

// trickle passes one Write on every so often.
type trickle struct {
	net.Conn
	every time.Duration
}

func (t *trickle) Write(p []byte) (int, error) {
	time.Sleep(t.every) // the pace of a slow link, the stimulus
	return t.Conn.Write(p)
}

// TestWatchContextSaysWhatMoved: a transfer still moving when its context
// ends fails with what ran, how much moved and how fast; a stuck one is
// still called hung by the stall watchdog first.
func TestWatchContextSaysWhatMoved(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var progress atomic.Int64
	stop := make(chan struct{})
	defer close(stop)
	err := bound.WatchContext(ctx, &progress, map[string]func() error{
		"trickle": func() error {
			for {
				select {
				case <-stop:
					return nil
				case <-time.After(10 * time.Millisecond):
					progress.Add(1000)
				}
			}
		},
	})
	var late *bound.OutOfTimeError
	if !errors.As(err, &late) || late.Moved == 0 || !strings.Contains(err.Error(), "trickle still running") || !strings.Contains(err.Error(), "kB/s") {
		t.Fatalf("got %v, want an OutOfTimeError naming trickle with its rate", err)
	}
	t.Log(err)
}

// TestSendVolumeSettles: a volume settled while the writer runs ends the
// transfer at the new length, never below what was claimed.
func TestSendVolumeSettles(t *testing.T) {
	v := pattern.NewVolume(1 << 30)
	var sent bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) {
		if sent.Len() >= 100_000 {
			v.Settle(0) // less than claimed: the Write in progress still counts
		}
		return sent.Write(p)
	})
	if err := pattern.SendVolume(w, 3, v, nil, 30_000); err != nil {
		t.Fatal(err)
	}
	// Settled during the fifth Write, which had claimed its 30 000 bytes.
	if got := int64(sent.Len()); got != v.Total() || got != v.Claimed() || got != 150_000 {
		t.Fatalf("wrote %d, volume %d, claimed %d; want 150000 each", got, v.Total(), v.Claimed())
	}
	if err := pattern.ReceivePattern(bytes.NewReader(sent.Bytes()), 3, v.Total(), nil); err != nil {
		t.Fatal(err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
