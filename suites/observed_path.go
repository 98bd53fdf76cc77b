package suites

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/internal/units"
)

// On a network path, a writer blocked while its bytes cross the
// bottleneck MUST have them in three places: unsent in its send queue, in
// flight (sent, unacknowledged: TCP_INFO unacked > 0) and unread in the
// receiver's queue, each non-zero, adding up to the accepted bytes to the
// byte. The first bytes are at the stopped reader, and the bottleneck held,
// before the writer fills the path, so what is in flight stays there while
// it is counted however long the hold takes to apply. After the hold every
// accepted byte MUST arrive intact.
var _ = behaviour(catalogue.InFlight, 20*time.Second, func(ctx SpecContext, c *specRun) {
	np := networkPath(c)
	cp, at := measureInFlight(ctx, c, np, c.A, c.B)
	AddReportEntry(measure.EntryCapacity, cp, ReportEntryVisibilityFailureOrVerbose)
	c.Observe(fmt.Sprintf("%s unsent + %s in flight + %s at the receiver = %s%s", units.Bytes(cp.SenderUnsentBytes),
		units.Bytes(cp.InFlightBytes), units.Bytes(cp.ReceiverQueuedBytes), units.Bytes(cp.AcceptedBytes), retransmitted(at, np)), inFlightValues(cp, at))
	c.must("bytes in flight", threeTerms(cp))
})

// Capacity and bytes in flight against the path's bandwidth-delay product,
// one fresh pair per path variant, each measured as in-flight is (and each
// MUST pass its checks). A loss-based sender (cubic, reno) can grow its
// window until the bottleneck queue overflows, so its bytes in flight at
// the largest product MUST reach at least twice those at the smallest; bbr
// paces to the bottleneck's rate and is only recorded, and so is a path
// that drops packets at random, where the loss rate, not the queue, bounds
// the window (each point records the segments retransmitted). The window grows
// only while the sender is limited by it (include/net/tcp.h
// tcp_is_cwnd_limited, checked by cubictcp_cong_avoid and
// tcp_reno_cong_avoid) and shrinks at every loss, wherever it happens: a
// loaded scheduler that starves the writer or the reader during the
// warm-up can leave it far below the queue (245 840 B in flight at 2 MiB
// with five retransmits, in the oversubscribed soak). So the largest
// product gets up to pathAttempts fresh pairs, and the most in flight
// counts; a path whose queue does not hold what it declares never grows.
var _ = behaviour(catalogue.CapacityPath, 60*time.Second, func(ctx SpecContext, c *specRun) {
	np := networkPath(c)
	variants := np.Variants()
	if len(variants) < 3 {
		Skip(fmt.Sprintf("%s%s has %d path variants, a sweep needs 3", report.UnsupportedPrefix, c.Transport, len(variants)))
	}
	s := measure.Sweep{Transport: c.Transport, Knob: measure.KnobPath}
	for _, v := range variants {
		s.Points = append(s.Points, pathPoint(ctx, c, v))
	}
	cc := np.CongestionControl()
	lossBased := measure.LossBased(cc) && np.Loss() == 0
	first, last := s.Points[0].Extra["in_flight_bytes"], len(s.Points)-1
	tries := []int64{s.Points[last].Extra["in_flight_bytes"]}
	for lossBased && len(tries) < pathAttempts && s.Points[last].Extra["in_flight_bytes"] < 2*first {
		pt := pathPoint(ctx, c, variants[last])
		tries = append(tries, pt.Extra["in_flight_bytes"])
		if pt.Extra["in_flight_bytes"] > s.Points[last].Extra["in_flight_bytes"] {
			s.Points[last] = pt
		}
	}
	var cells []string
	for _, pt := range s.Points {
		cells = append(cells, fmt.Sprintf("%s: %s, %s in flight, %s retransmitted", pt.Label, units.Bytes(pt.AcceptedBytes),
			units.Bytes(pt.Extra["in_flight_bytes"]), units.Digits(pt.Extra["retransmits"])))
	}
	AddReportEntry(measure.EntrySweep, s, ReportEntryVisibilityFailureOrVerbose)
	c.Observe(s.Response()+" ("+strings.Join(cells, ", ")+"), "+cc, map[string]any{
		"knob": s.Knob, "outcome": s.Response(), "points": s.Points, "congestion_control": cc, "largest_in_flight_tries": tries,
		"random_loss_percent": np.Loss()})
	if lossBased && s.Points[last].Extra["in_flight_bytes"] < 2*first {
		c.must("bytes in flight", fmt.Errorf("they did not grow with the bandwidth-delay product (%s at the largest on %d fresh pairs): %s",
			strings.Join(byteList(tries), ", "), len(tries), strings.Join(cells, ", ")))
	}
})

// pathAttempts is how many fresh pairs the largest product of
// capacity-vs-path gets, at most, to show a loss-based sender's window
// grown to its queue.
const pathAttempts = 3

// pathPoint measures in flight on a fresh pair over variant v, as
// in-flight does, and checks it.
func pathPoint(ctx SpecContext, c *specRun, v measure.PathVariant) measure.SweepPoint {
	GinkgoHelper()
	p, err := pair.Open(ctx, v.Transport)
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
	return measure.SweepPoint{Setting: v.Transport.BDP(), Label: v.Label, AcceptedBytes: cp.AcceptedBytes, Extra: extra}
}

// byteList formats byte counts.
func byteList(ns []int64) []string {
	var out []string
	for _, n := range ns {
		out = append(out, units.Digits(n))
	}
	return out
}

// threeTerms checks an in-flight measurement: conserved to the byte, with
// bytes unsent, in flight and at the receiver.
func threeTerms(cp measure.Capacity) error {
	switch {
	case !cp.Conserved:
		return fmt.Errorf("%s: %s = %s, but %s were accepted", cp.Transport, cp.Accounting, units.Bytes(cp.AccountedBytes), units.Bytes(cp.AcceptedBytes))
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
func networkPath(c *specRun) measure.NetworkPath {
	GinkgoHelper()
	np, ok := c.Tr.(measure.NetworkPath)
	if !ok {
		Skip(report.UnsupportedPrefix + c.Transport + " has no network path to hold")
	}
	return np
}

// preloadBytes are sent to the stopped reader before the bottleneck is
// held, so the receiver's queue holds them when the writer blocks.
const preloadBytes = 64 << 10

// measureInFlight sends a warm-up through a→b with b reading, so the
// sender's window and the receiver's buffer grow to the path; then sends
// preloadBytes that b does not read and waits for kernel evidence that
// they are in b's queue and acknowledged; then holds np's bottleneck and
// measures capacity: everything the writer adds is in flight or unsent.
// Nothing races the hold: on a busy machine it may take long to apply,
// but the path is idle meanwhile (the netns path keeps its congestion
// window across the idle time: transports/netns sets
// tcp_slow_start_after_idle 0). Then it releases the bottleneck and
// checks that b receives the preload and every accepted byte. at is the
// sender's queues just before the hold (its window and round trip).
func measureInFlight(ctx SpecContext, c *specRun, np measure.NetworkPath, a, b net.Conn) (cp measure.Capacity, at kernel.Queues) {
	GinkgoHelper()
	warm := 16<<20 + 8*np.BDP()
	var progress atomic.Int64
	c.must("the warm-up", bound.Watch(&progress, map[string]func() error{
		"A sends the warm-up": func() error { return pattern.SendPattern(a, 21, warm, &progress) },
		"B reads it":          func() error { return pattern.ReceivePattern(b, 21, warm, &progress) },
	}))
	c.must("the preload", bound.Watch(&progress, map[string]func() error{
		"A sends the preload": func() error { return pattern.SendPattern(a, 22, preloadBytes, &progress) },
	}))
	var qa, qb kernel.Queues
	if !waitFor(bound.Stall, func() bool {
		qa, _ = kernel.ProbeQueues(a)
		qb, _ = kernel.ProbeQueues(b)
		return qb.RecvQueued == preloadBytes && qa.SendQueued == 0
	}) {
		c.must("the preload", fmt.Errorf("did not settle at B: B holds %s of %s, A still has %s unacknowledged", units.Digits(qb.RecvQueued), units.Bytes(preloadBytes), units.Bytes(qa.SendQueued)))
	}
	at = qa
	release, err := np.Hold(ctx, a)
	if errors.Is(err, errors.ErrUnsupported) {
		Skip(report.UnsupportedPrefix + err.Error())
	}
	c.must("holding the bottleneck", err)
	released := false
	defer func() {
		if !released {
			_ = release()
		}
	}()
	cp, err = measure.MeasureCapacity(ctx, a, b, append(fillOptions(c), measure.FillQueued(preloadBytes))...)
	cp.Transport = np.Name()
	c.must(fmt.Sprintf("measuring capacity with the bottleneck held (method %s, %s accepted)", cp.Method, units.Bytes(cp.AcceptedBytes)), err)
	cp.Notes = fmt.Sprintf("%s at the stopped reader, then the bottleneck held; path: %s", units.Bytes(preloadBytes), np.Traits().Notes)
	released = true
	c.mustWithin(opBound, "releasing the bottleneck", release)
	c.must("B reads what was accepted", bound.Watch(&progress, map[string]func() error{
		"B reads what was accepted": func() error {
			if err := pattern.ReceivePattern(b, 22, preloadBytes, &progress); err != nil {
				return fmt.Errorf("the preload: %w", err)
			}
			return pattern.ReceivePattern(b, cp.Seed, cp.AcceptedBytes-preloadBytes, &progress)
		},
	}))
	return cp, at
}

// inFlightValues are the numbers behind an in-flight measurement.
func inFlightValues(cp measure.Capacity, at kernel.Queues) map[string]any {
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
		v["cwnd_bytes"], v["rtt_us"], v["retransmits"] = at.TCP.CwndBytes, at.TCP.RTT.Microseconds(), at.TCP.Retransmits
	}
	if cp.TCP != nil {
		v["retransmits_after_fill"] = cp.TCP.Retransmits // the hold keeps packets queued past the RTO
	}
	return v
}

// retransmitted says how many segments the sender had retransmitted when
// the bottleneck was held, and the path's random loss, for a summary.
func retransmitted(at kernel.Queues, np measure.NetworkPath) string {
	s := ""
	if at.TCP != nil && at.TCP.Retransmits >= 0 {
		s = fmt.Sprintf("; %d segments retransmitted", at.TCP.Retransmits)
	}
	if np.Loss() > 0 {
		s += fmt.Sprintf(" (%g%% random loss each way)", np.Loss())
	}
	return s
}
