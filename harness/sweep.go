package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
)

// SweepCapacity measures capacity on a fresh pair of tr for each setting
// of knob, A writing and B reading, after SetKnob has applied the setting
// (and fixed on the other side of a buffer knob). Each pair is closed
// before the next opens, its reader first so that a writer with a full
// buffer is not left waiting on Close.
func SweepCapacity(ctx context.Context, tr Transport, knob string, settings []int, fixed int, opts ...FillOption) (Sweep, error) {
	s := Sweep{Transport: tr.Name(), Knob: knob}
	for _, size := range settings {
		p, err := Open(ctx, tr)
		if err != nil {
			return s, err
		}
		c, err := func() (Capacity, error) {
			defer func() { _, _ = CloseWithin(p.Transport, "B.Close", p.B.Close); _ = p.Close() }()
			if err := SetKnob(knob, p.A, p.B, size, fixed); err != nil {
				return Capacity{}, err
			}
			return MeasureCapacity(ctx, p.A, p.B, opts...)
		}()
		if err != nil {
			return s, fmt.Errorf("%s %d: %w", knob, size, err)
		}
		s.Points = append(s.Points, SweepPoint{Setting: int64(size), AcceptedBytes: c.AcceptedBytes, Extra: map[string]int64{
			"so_sndbuf": c.SoSndbuf, "so_rcvbuf": c.SoRcvbuf, "pipe_size": c.PipeSize, "settle_ms": c.SettleMillis,
			"sender_queued_bytes": c.SenderQueuedBytes, "receiver_queued_bytes": c.ReceiverQueuedBytes,
		}})
	}
	return s, nil
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
