package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
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
// applied the setting (and fixed on the other side of a buffer knob). The
// repeats go round the settings in turn, so that a change in the
// machine's load over the sweep shows as spread between repeats, not as a
// response to the knob. Each pair is closed before the next opens, its
// reader first so that a writer with a full buffer is not left waiting on
// Close. A point is the median repeat.
func SweepCapacity(ctx context.Context, tr Transport, knob string, settings []int, fixed int, opts ...FillOption) (Sweep, error) {
	s := Sweep{Transport: tr.Name(), Knob: knob}
	runs := make([][]Capacity, len(settings))
	for round := range SweepRepeats {
		for i, size := range settings {
			c, err := sweepOnce(ctx, tr, knob, size, fixed, opts)
			if err != nil {
				return s, fmt.Errorf("%s %d: %w", knob, size, err)
			}
			runs[i] = append(runs[i], c)
		}
		s.Points = s.Points[:0]
		for i, size := range settings {
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
func sweepOnce(ctx context.Context, tr Transport, knob string, size, fixed int, opts []FillOption) (Capacity, error) {
	p, err := Open(ctx, tr)
	if err != nil {
		return Capacity{}, err
	}
	defer func() { _, _ = CloseWithin(p.Transport, "B.Close", p.B.Close); _ = p.Close() }()
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
		_, err := SetPipeSize(w, size)
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
