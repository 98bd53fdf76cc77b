// Package netns is TCP over a real kernel network path: two network
// namespaces joined by a veth pair, shaped with tc, both endpoints in the
// test process. Unlike loopback, bytes can be in flight (sent, not yet
// acknowledged) when a writer blocks.
//
// It needs Linux, root (CAP_NET_ADMIN), ip and tc from iproute2, and nft
// from nftables for a path with random loss; where any is missing, Pair
// returns harness.Unavailable with the reason, so specs skip. The namespaces have no name (nothing in /var/run/netns): the
// pair's descriptors and sockets alone keep them alive, and the kernel
// removes them with their veth and qdiscs when the last one closes, also
// when the process is killed.
package netns

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/streamspec/streamspec/internal/units"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pair"
)

// Addresses of the two ends, from the RFC 2544 benchmarking range
// 198.18.0.0/15: traffic never leaves the namespaces created here.
const (
	AddrA = "198.18.0.1"
	AddrB = "198.18.0.6"
)

// Path is a network path's settings. Each direction gets the same shaping,
// at a router between the two ends.
type Path struct {
	// Rate is the bottleneck in bits per second; 0 leaves the veth
	// unshaped. Without Delay or Loss it is a tbf rate limit, whose queue
	// fills under load and so gives the path its round-trip delay.
	Rate int64
	// Queue is the bytes the bottleneck queues before it drops (tbf limit;
	// netem counts packets, Queue/1514 of them). 0 means 1 MiB.
	Queue int64
	// Delay each way needs sch_netem; on a kernel without it a pair is
	// unavailable.
	Delay time.Duration
	// Loss is the percentage of packets dropped at random each way (to a
	// hundredth of a percent), by an nftables rule in the router's forward
	// chain (numgen random), so it needs nft, not sch_netem.
	Loss float64
	// CC is the congestion control of both sockets (TCP_CONGESTION), such
	// as cubic, bbr or reno; "" keeps the system default.
	CC string
}

// Shaper names the qdisc the path uses: netem, tbf or none. Loss is not a
// qdisc's (Path.Loss).
func (p Path) Shaper() string {
	switch {
	case p.Delay > 0:
		return "netem"
	case p.Rate > 0:
		return "tbf"
	}
	return "none"
}

func (p Path) queue() int64 {
	if p.Queue > 0 {
		return p.Queue
	}
	return 1 << 20
}

// String describes the path for the report.
func (p Path) String() string {
	s := AddrA + " to " + AddrB + " via a router netns"
	switch p.Shaper() {
	case "netem":
		s += fmt.Sprintf(", netem delay %v", p.Delay)
		if p.Rate > 0 {
			s += ", rate " + bits(p.Rate)
		}
		s += fmt.Sprintf(", %s queue each way", size(p.queue()))
	case "tbf":
		s += fmt.Sprintf(", tbf %s, %s queue each way (%v when full)", bits(p.Rate), size(p.queue()), p.QueueDelay().Round(100*time.Microsecond))
	default:
		s += ", unshaped"
	}
	if p.Loss > 0 {
		s += fmt.Sprintf(", %g%% random loss each way (nftables)", p.Loss)
	}
	if p.CC != "" {
		s += ", " + p.CC
	}
	return s
}

// lossPerTenThousand is Loss in hundredths of a percent, the rule's unit.
func (p Path) lossPerTenThousand() int64 { return int64(p.Loss*100 + 0.5) }

// QueueDelay is how long a full bottleneck queue takes to drain: the
// round-trip delay a loss-based sender (cubic, reno) gives itself by
// filling the queue.
func (p Path) QueueDelay() time.Duration {
	if p.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(p.queue()*8) / float64(p.Rate) * float64(time.Second))
}

// BDP is the path's bandwidth-delay product when its queue is full: the
// bytes the rate moves in a round trip (the delay both ways plus the
// queue's drain time), which is the queue itself plus rate x 2 x Delay.
func (p Path) BDP() int64 {
	if p.Rate <= 0 {
		return 0
	}
	return p.queue() + p.Rate/8*2*p.Delay.Microseconds()/1e6
}

// label is the path in a few words, for a sweep point.
func (p Path) label() string {
	s := bits(p.Rate)
	if p.Delay > 0 {
		s += fmt.Sprintf(", %v each way", p.Delay)
	}
	if p.Loss > 0 {
		s += fmt.Sprintf(", %g%% loss", p.Loss)
	}
	return s + fmt.Sprintf(", %s queue (%s)", size(p.queue()), units.Millis(float64(p.QueueDelay().Round(time.Millisecond).Milliseconds())))
}

// SweepQueues are the bottleneck queues of Variants: 128 KiB to 2 MiB,
// 5 to 84 ms at 200 Mbit/s.
var SweepQueues = []int64{128 << 10, 512 << 10, 2 << 20}

// Variants implements measure.NetworkPath: the same path with each of
// SweepQueues as its queue; none for an unshaped path.
func (t *Transport) Variants() []measure.PathVariant {
	if t.path.Rate <= 0 {
		return nil
	}
	var out []measure.PathVariant
	for _, q := range SweepQueues {
		p := t.path
		p.Queue = q
		out = append(out, measure.PathVariant{Transport: New(t.name+" "+strings.ReplaceAll(size(q), units.Space, " "), p), Label: p.label()})
	}
	return out
}

// Transport makes pairs over a path each: one pair's shaping, queue and
// hold never touch another's. A path whose pair has closed is kept, idle,
// for the next pair over the same Path (spare_linux.go).
type Transport struct {
	name  string
	path  Path
	links sync.Map // A endpoint -> its pair's path, for Hold
}

// New returns a transport named name over path p.
func New(name string, p Path) *Transport { return &Transport{name: name, path: p} }

// Default is the built-in: 200 Mbit/s each way with a 1 MiB drop-tail queue
// (42 ms when full) and cubic, which fills the queue, so bytes are in
// flight whenever data moves. Fast enough for the contract's 64 MiB
// transfers.
func Default() *Transport {
	return New("netns", Path{Rate: 200e6, Queue: 1 << 20, CC: "cubic"})
}

// CongestionControl implements measure.NetworkPath: Path.CC, or the
// system default (net.ipv4.tcp_congestion_control) when that is empty.
func (t *Transport) CongestionControl() string {
	if t.path.CC != "" {
		return t.path.CC
	}
	return defaultCC()
}

// BDP implements measure.NetworkPath.
func (t *Transport) BDP() int64 { return t.path.BDP() }

// Loss implements harness.NetworkPath: Path.Loss.
func (t *Transport) Loss() float64 { return t.path.Loss }

// Path returns the transport's path settings.
func (t *Transport) Path() Path { return t.path }

// Name implements harness.Transport.
func (t *Transport) Name() string { return t.name }

// Traits implements harness.Transport: a kernel TCP socket whose notes name
// the path.
func (t *Transport) Traits() harness.Traits {
	return harness.Traits{Kind: harness.KindTCP, Notes: t.path.String()}
}

// PairBound implements pair.SlowPairer: making a path takes the
// kernel's rtnl_lock for each veth, address and qdisc, which namespaces
// being torn down anywhere on the machine hold for long (seconds on a
// busy one); a pair over a kept path opens in milliseconds.
func (t *Transport) PairBound() time.Duration { return 10 * time.Second }

// Pair implements harness.Transport: A dials from the first namespace, B
// accepts in the second. stop closes the namespaces' descriptors; the
// kernel removes them once the endpoints are closed too.
func (t *Transport) Pair(ctx context.Context) (a, b net.Conn, stop func(), err error) {
	return t.pair(ctx)
}

var (
	_ measure.NetworkPath = (*Transport)(nil)
	_ pair.SlowPairer     = (*Transport)(nil)
)

func bits(r int64) string {
	switch {
	case r >= 1e9 && r%1e9 == 0:
		return fmt.Sprintf("%d%sGbit/s", r/1e9, units.Space)
	case r >= 1e6 && r%1e6 == 0:
		return fmt.Sprintf("%d%sMbit/s", r/1e6, units.Space)
	case r >= 1e3 && r%1e3 == 0:
		return fmt.Sprintf("%d%skbit/s", r/1e3, units.Space)
	}
	return fmt.Sprintf("%s%sbit/s", units.Digits(r), units.Space)
}

func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d%sMiB", n>>20, units.Space)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d%sKiB", n>>10, units.Space)
	}
	return units.Bytes(int64(n))
}
