package suites

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/harness"
)

// On a network path, a writer blocked while its bytes cross the
// bottleneck MUST have them in three places: unsent in its send queue, in
// flight (sent, unacknowledged: TCP_INFO unacked > 0) and unread in the
// receiver's queue, each non-zero, adding up to the accepted bytes to the
// byte. The bottleneck is held from the moment the first bytes reach the
// stopped reader, so what is in flight stays there while it is counted.
// After the hold every accepted byte MUST arrive intact.
var _ = behaviour(harness.InFlight, 20*time.Second, func(ctx SpecContext, c *Case) {
	np := networkPath(c)
	cp, at := measureInFlight(ctx, c, np, c.A, c.B)
	AddReportEntry(harness.EntryCapacity, cp, ReportEntryVisibilityFailureOrVerbose)
	c.Observe(fmt.Sprintf("%s unsent + %s in flight + %s at the receiver = %s B", harness.Bytes(cp.SenderUnsentBytes),
		harness.Bytes(cp.InFlightBytes), harness.Bytes(cp.ReceiverQueuedBytes), harness.Bytes(cp.AcceptedBytes)), inFlightValues(cp, at))
	c.must("bytes in flight", threeTerms(cp))
})

// Capacity and bytes in flight against the path's bandwidth-delay product,
// one fresh pair per path variant, each measured as in-flight is (and each
// MUST pass its checks). A loss-based sender (cubic, reno) grows its window
// until the bottleneck queue overflows, so its bytes in flight at the
// largest product MUST be at least twice those at the smallest; bbr paces
// to the bottleneck's rate and is only recorded.
var _ = behaviour(harness.CapacityPath, 60*time.Second, func(ctx SpecContext, c *Case) {
	np := networkPath(c)
	variants := np.Variants()
	if len(variants) < 3 {
		Skip(fmt.Sprintf("%s%s has %d path variants, a sweep needs 3", harness.UnsupportedPrefix, c.Transport, len(variants)))
	}
	s := harness.Sweep{Transport: c.Transport, Knob: harness.KnobPath}
	var cells []string
	for _, v := range variants {
		p, err := harness.Open(ctx, v.Transport)
		c.must("opening a pair over "+v.Label, err)
		DeferCleanup(func() {
			if err := closePair(p); err != nil {
				Fail(fmt.Sprintf("closing the pair over %s: %v", v.Label, err))
			}
		})
		cp, at := measureInFlight(ctx, c, v.Transport, p.A, p.B)
		c.must("bytes in flight", threeTerms(cp))
		extra := map[string]int64{"in_flight_permille": 1000 * cp.InFlightBytes / max(cp.AcceptedBytes, 1)}
		for k, val := range inFlightValues(cp, at) {
			if n, ok := val.(int64); ok {
				extra[k] = n
			}
		}
		s.Points = append(s.Points, harness.SweepPoint{Setting: v.Transport.BDP(), Label: v.Label, AcceptedBytes: cp.AcceptedBytes, Extra: extra})
		cells = append(cells, fmt.Sprintf("%s: %s B, %s in flight", v.Label, harness.Bytes(cp.AcceptedBytes), harness.Bytes(cp.InFlightBytes)))
	}
	AddReportEntry(harness.EntrySweep, s, ReportEntryVisibilityFailureOrVerbose)
	cc := np.CongestionControl()
	c.Observe(s.Response()+" ("+strings.Join(cells, ", ")+"), "+cc, map[string]any{
		"knob": s.Knob, "outcome": s.Response(), "points": s.Points, "congestion_control": cc})
	if !harness.LossBased(cc) {
		return
	}
	first, last := s.Points[0].Extra["in_flight_bytes"], s.Points[len(s.Points)-1].Extra["in_flight_bytes"]
	if last < 2*first {
		c.must("bytes in flight", fmt.Errorf("they did not grow with the bandwidth-delay product: %s", strings.Join(cells, ", ")))
	}
})

// threeTerms checks an in-flight measurement: conserved to the byte, with
// bytes unsent, in flight and at the receiver.
func threeTerms(cp harness.Capacity) error {
	switch {
	case !cp.Conserved:
		return fmt.Errorf("%s: %s = %d bytes, but %d were accepted", cp.Transport, cp.Accounting, cp.AccountedBytes, cp.AcceptedBytes)
	case cp.SenderUnsentBytes <= 0:
		return fmt.Errorf("%s: nothing unsent at the sender", cp.Transport)
	case cp.InFlightBytes <= 0:
		return fmt.Errorf("%s: nothing in flight with the bottleneck held", cp.Transport)
	case cp.TCP == nil:
		return fmt.Errorf("%s: no TCP state", cp.Transport)
	case cp.TCP.UnackedPackets <= 0:
		return fmt.Errorf("%s: TCP_INFO unacked is 0 with the bottleneck held", cp.Transport)
	case cp.ReceiverQueuedBytes <= 0:
		return fmt.Errorf("%s: nothing at the receiver", cp.Transport)
	}
	return nil
}

// networkPath is the transport under test as a NetworkPath, or skips.
func networkPath(c *Case) harness.NetworkPath {
	GinkgoHelper()
	np, ok := c.Tr.(harness.NetworkPath)
	if !ok {
		Skip(harness.UnsupportedPrefix + c.Transport + " has no network path to hold")
	}
	return np
}

// measureInFlight sends a warm-up through a→b with b reading, so the
// sender's window and the receiver's buffer grow to the path; then stops
// reading and measures capacity, holding np's bottleneck from the moment
// the first bytes reach b; then releases it and checks that b receives
// every accepted byte. at is the sender's queues just before the hold (its
// window and round trip before the hold stalls them).
func measureInFlight(ctx SpecContext, c *Case, np harness.NetworkPath, a, b net.Conn) (cp harness.Capacity, at harness.Queues) {
	GinkgoHelper()
	warm := 16<<20 + 8*np.BDP()
	var progress atomic.Int64
	c.must("the warm-up", harness.Watch(&progress, map[string]func() error{
		"A sends the warm-up": func() error { return harness.SendPattern(a, 21, warm, &progress) },
		"B reads it":          func() error { return harness.ReceivePattern(b, 21, warm, &progress) },
	}))

	type hold struct {
		release func() error
		at      harness.Queues
		err     error
	}
	held, filled := make(chan hold, 1), make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Millisecond) // a polling watch on the receiver's queue
		defer tick.Stop()
		for {
			select {
			case <-filled:
				held <- hold{}
				return
			case <-ctx.Done():
				held <- hold{err: ctx.Err()}
				return
			case <-tick.C:
			}
			if q, err := harness.ProbeQueues(b); err != nil || q.RecvQueued <= 0 {
				continue
			}
			at, _ := harness.ProbeQueues(a)
			release, err := np.Hold(ctx, a)
			held <- hold{release, at, err}
			return
		}
	}()
	func() {
		defer close(filled) // also when the measurement fails the spec: the watch ends
		cp = measureCapacity(ctx, c, a, b)
	}()
	h := <-held
	if errors.Is(h.err, errors.ErrUnsupported) {
		Skip(harness.UnsupportedPrefix + h.err.Error())
	}
	c.must("holding the bottleneck", h.err)
	if h.release == nil {
		c.must("holding the bottleneck", errors.New("the writer settled before any byte reached the receiver"))
	}
	cp.Transport = np.Name()
	cp.Notes = "bottleneck held from the first byte at the receiver; path: " + np.Traits().Notes
	c.mustWithin(OpBound, "releasing the bottleneck", h.release)
	c.must("B reads what was accepted", harness.Watch(&progress, map[string]func() error{
		"B reads what was accepted": func() error { return harness.ReceivePattern(b, cp.Seed, cp.AcceptedBytes, &progress) },
	}))
	return cp, h.at
}

// inFlightValues are the numbers behind an in-flight measurement.
func inFlightValues(cp harness.Capacity, at harness.Queues) map[string]any {
	v := map[string]any{
		"accepted_bytes": cp.AcceptedBytes, "sender_queued_bytes": cp.SenderQueuedBytes,
		"sender_unsent_bytes": cp.SenderUnsentBytes, "in_flight_bytes": cp.InFlightBytes,
		"receiver_queued_bytes": cp.ReceiverQueuedBytes, "so_sndbuf": cp.SoSndbuf, "so_rcvbuf": cp.SoRcvbuf,
		"settle_ms": cp.SettleMillis, "conserved": cp.Conserved, "path": cp.Notes,
	}
	if cp.TCP != nil {
		v["unacked_packets"] = cp.TCP.UnackedPackets
	}
	if at.TCP != nil {
		v["cwnd_bytes"], v["rtt_us"] = at.TCP.CwndBytes, at.TCP.RTT.Microseconds()
	}
	return v
}
