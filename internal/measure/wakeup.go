package measure

import (
	"context"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/internal/units"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/rawconn"
)

// MeasureWakeup fills the stream like MeasureCapacity, then drains the
// reader a step at a time (about 1/32 of what was accepted, a power of two,
// at least 256 bytes) and finds how much it must drain before the writer's
// descriptor reports write space (POLLOUT). That readiness is what resumes
// a Write parked in Go's poller; the kernel raises it well before the
// buffer is empty (Linux: TCP when the queue is at most 2/3 of SO_SNDBUF,
// include/net/sock.h sk_stream_is_writeable; Unix when the charged bytes
// are at most 1/4 of it, net/unix/af_unix.c unix_writable; a pipe when a
// page slot is free, fs/pipe.c pipe_poll). The drained bytes are checked
// against the pattern written. It needs descriptors on both ends.
//
// The queues and SO_SNDBUF are read after each poll, so a measurement
// preempted between the readiness and the probe still reads a state that
// satisfies the readiness rule: while the writer is idle its queue only
// shrinks (the reader frees it, ACKs free TCP's) and an autotuned TCP
// SO_SNDBUF only grows (net/ipv4/tcp_input.c tcp_sndbuf_expand; only the
// send path lowers it, include/net/sock.h sk_stream_moderate_sndbuf).
// How much the reader must drain is timing: TCP's window updates and ACKs
// run in softirq, and a step whose effect has not shown within the settle
// interval moves the wake-up point later. It is recorded, not asserted.
func MeasureWakeup(ctx context.Context, writer, reader net.Conn, opts ...FillOption) (Capacity, Wakeup, error) {
	_, w := rawconn.RawConns(writer)
	r, _ := rawconn.RawConns(reader)
	if w == nil || r == nil {
		return Capacity{}, Wakeup{}, kernel.ErrNoDescriptor
	}
	c, err := MeasureCapacity(ctx, writer, reader, opts...)
	if err != nil {
		return c, Wakeup{}, err
	}
	if c.Method != MethodSyscall {
		return c, Wakeup{}, fmt.Errorf("the writer's descriptor is blocking: cannot poll it safely")
	}
	wk := Wakeup{AcceptedBytes: c.AcceptedBytes, WakeupAfterBytes: -1, StepBytes: 256, SoSndbuf: c.SoSndbuf, SoSndbufBlocked: c.SoSndbuf,
		SenderQueuedBefore: c.SenderQueuedBytes, ReceiverQueuedBefore: c.ReceiverQueuedBytes}
	for wk.StepBytes*2 <= c.AcceptedBytes/32 {
		wk.StepBytes *= 2
	}
	// A pipe's or Unix socket's reader frees space and wakes the writer
	// inside its read(2) (fs/pipe.c pipe_read, net/unix/af_unix.c via
	// sock_wfree); TCP's window update and the sender's reaction may run
	// a little later, in softirq.
	settle := time.Duration(0)
	if c.Kind == harness.KindTCP {
		settle = time.Millisecond
	}
	want := pattern.Pattern(c.Seed)
	buf, exp := make([]byte, wk.StepBytes), make([]byte, wk.StepBytes)
	for drained := int64(0); drained < c.AcceptedBytes; {
		if err = ctx.Err(); err != nil {
			return c, wk, err
		}
		p := buf[:min(wk.StepBytes, c.AcceptedBytes-drained)]
		if err := bound.Within(bound.Stall, "draining the reader", func() error { _, err := io.ReadFull(reader, p); return err }); err != nil {
			return c, wk, fmt.Errorf("after draining %s of %s: %w", units.Digits(drained), units.Bytes(c.AcceptedBytes), err)
		}
		_, _ = want.Read(exp[:len(p)])
		if string(p) != string(exp[:len(p)]) {
			return c, wk, fmt.Errorf("bytes %d-%d read back differ from those written", drained, drained+int64(len(p)))
		}
		drained += int64(len(p))
		var ready bool
		var q kernel.Queues
		if drained < c.AcceptedBytes {
			ready, q, err = settledWritable(w, r, settle, time.Duration(c.SettleMillis)*time.Millisecond+settle)
		} else {
			// Everything is read: once the last bytes are acknowledged the
			// queue is empty and the kernel must report write space, however
			// late the acknowledgement comes on a busy machine.
			ready, err = kernel.WaitWritable(w, bound.Stall)
			q, _ = kernel.ProbeRaw(w, r)
		}
		if err != nil {
			return c, wk, err
		}
		if ready {
			wk.WakeupAfterBytes = drained
			wk.Fraction = float64(drained) / float64(c.AcceptedBytes)
			wk.SenderQueuedAt, wk.ReceiverQueuedAt, wk.SoSndbuf = q.SendQueued, q.RecvQueued, q.SndBuf
			break
		}
		wk.SenderQueuedBefore, wk.ReceiverQueuedBefore = q.SendQueued, q.RecvQueued
	}
	return c, wk, nil
}

// settledWritable waits until the writer's descriptor is writable or the
// queues stop moving across one settle interval (at most budget in all),
// and reports which, with the queues read after the last poll.
func settledWritable(w, r syscall.RawConn, settle, budget time.Duration) (bool, kernel.Queues, error) {
	deadline := time.Now().Add(budget)
	prev, _ := kernel.ProbeRaw(w, r)
	for {
		ready, err := kernel.WaitWritable(w, settle)
		q, _ := kernel.ProbeRaw(w, r)
		if err != nil || ready {
			return ready, q, err
		}
		if !q.Moved(prev) || time.Now().After(deadline) {
			return false, q, nil
		}
		prev = q
	}
}
