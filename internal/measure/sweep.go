package measure

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/pair"
)

// SweepRepeats is how many fresh pairs SweepCapacity measures at each
// setting, at most: the spread between them is the noise Sweep.Response
// weighs the differences between settings against. Two suffice when the
// second round repeats the first to the byte (a kernel's buffers), or
// when the third could not change the class (Sweep.Settled: a relay's
// repeats, which scatter by more than the knob moves them).
const SweepRepeats = 3

// SweepCapacity measures capacity on fresh pairs of tr at each setting of
// knob, SweepRepeats times, A writing and B reading, after SetKnob has
// applied the setting (and fixed on the other side of a buffer knob). A
// round measures every setting at once, each on its own pair, and the
// rounds follow one another, so that a change in the machine's load
// during the sweep hits every setting alike and shows as spread between
// repeats, not as a response to the knob; and a round costs its slowest
// fill, which mostly waits (for delayed ACKs, for a relay's buffers to
// grow), not the sum of them. Each pair is closed once its fill ends, its
// reader first so that a writer with a full buffer is not left waiting on
// Close. A point is the median repeat.
func SweepCapacity(ctx context.Context, tr harness.Transport, knob string, settings []int, fixed int, opts ...FillOption) (Sweep, error) {
	s := Sweep{Transport: tr.Name(), Knob: knob}
	runs := make([][]Capacity, len(settings))
	for round := range SweepRepeats {
		got := make([]Capacity, len(settings))
		errs := make([]error, len(settings))
		var wg sync.WaitGroup
		for i, size := range settings {
			wg.Go(func() {
				got[i], errs[i] = sweepOnce(ctx, tr, knob, size, fixed, opts)
				if errs[i] != nil {
					errs[i] = fmt.Errorf("%s %d: %w", knob, size, errs[i])
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return s, err
		}
		s.Points = s.Points[:0]
		for i, size := range settings {
			runs[i] = append(runs[i], got[i])
			s.Points = append(s.Points, sweepPoint(int64(size), runs[i]))
		}
		if round == SweepRepeats-2 && (s.exact() || s.Settled()) {
			break
		}
	}
	return s, nil
}

// exact: every point's repeats agree to the byte.
func (s Sweep) exact() bool { return slices.Max(s.spreadsWithout(-1, -1)) == 0 }

// sweepOnce measures one fresh pair at one setting.
func sweepOnce(ctx context.Context, tr harness.Transport, knob string, size, fixed int, opts []FillOption) (Capacity, error) {
	p, err := pair.Open(ctx, tr)
	if err != nil {
		return Capacity{}, err
	}
	defer func() { _, _ = bound.CloseWithin(p.Transport, "B.Close", p.B.Close); _ = p.Close() }()
	if err := SetKnob(knob, p.A, p.B, size, fixed); err != nil {
		return Capacity{}, err
	}
	return MeasureCapacity(ctx, p.A, p.B, opts...)
}

// sweepPoint is the median of the repeats at one setting, with them all
// in the order they were measured.
func sweepPoint(setting int64, runs []Capacity) SweepPoint {
	sorted := slices.SortedFunc(slices.Values(runs), func(a, b Capacity) int { return cmp.Compare(a.AcceptedBytes, b.AcceptedBytes) })
	c := sorted[len(sorted)/2]
	pt := SweepPoint{Setting: setting, AcceptedBytes: c.AcceptedBytes, Extra: map[string]int64{
		"so_sndbuf": c.SoSndbuf, "so_rcvbuf": c.SoRcvbuf, "pipe_size": c.PipeSize, "settle_ms": c.SettleMillis,
		"sender_queued_bytes": c.SenderQueuedBytes, "receiver_queued_bytes": c.ReceiverQueuedBytes,
	}}
	for _, r := range runs {
		pt.Samples = append(pt.Samples, r.AcceptedBytes)
	}
	return pt
}

// SetKnob sets knob to size: the writer's SO_SNDBUF (the reader's
// SO_RCVBUF to fixed), the reader's SO_RCVBUF (the writer's SO_SNDBUF to
// fixed), or the size of the pipe the writer writes.
func SetKnob(knob string, w, r net.Conn, size, fixed int) error {
	type sizer interface {
		SetReadBuffer(int) error
		SetWriteBuffer(int) error
	}
	if knob == KnobPipeSize {
		_, err := kernel.SetPipeSize(w, size)
		return err
	}
	ws, ok1 := w.(sizer)
	rs, ok2 := r.(sizer)
	if !ok1 || !ok2 {
		return errors.New("the endpoints cannot set buffer sizes")
	}
	switch knob {
	case KnobSndbuf:
		return errors.Join(ws.SetWriteBuffer(size), rs.SetReadBuffer(fixed))
	case KnobRcvbuf:
		return errors.Join(ws.SetWriteBuffer(fixed), rs.SetReadBuffer(size))
	}
	return fmt.Errorf("unknown knob %q", knob)
}

// Knobs a Sweep varies.
const (
	KnobSndbuf   = "so_sndbuf" // the writer's SO_SNDBUF, the reader's SO_RCVBUF fixed
	KnobRcvbuf   = "so_rcvbuf" // the reader's SO_RCVBUF, the writer's SO_SNDBUF fixed
	KnobPipeSize = "pipe_size" // F_SETPIPE_SZ on the pipe written
)
