package measure

import (
	"context"
	"net"

	"github.com/streamspec/streamspec/harness"
)

// KnobPath is the knob of a sweep over a NetworkPath's variants: the
// path's bandwidth-delay product.
const KnobPath = "path"

// NetworkPath is a transport whose pairs cross a network path with a
// bottleneck queue (transports/netns). On loopback a blocked writer has
// nothing in flight; on such a path it does, and Hold lets the probes
// count it.
type NetworkPath interface {
	harness.Transport
	// Hold stops the bottleneck from forwarding what a sends until release,
	// so bytes sent and not yet acknowledged stay in flight, and stop
	// moving, while the queues are read. a is the A end of an open pair.
	// An error matching errors.ErrUnsupported means the path cannot hold.
	Hold(ctx context.Context, a net.Conn) (release func() error, err error)
	// CongestionControl is the algorithm of the pair's sockets (Linux
	// TCP_CONGESTION: cubic, reno, bbr). A loss-based one (cubic, reno)
	// fills the bottleneck queue; bbr paces to the bottleneck's rate.
	CongestionControl() string
	// BDP is the path's nominal bandwidth-delay product in bytes, its
	// bottleneck queue included; 0 for an unshaped path.
	BDP() int64
	// Loss is the percentage of packets the path drops at random each
	// way; 0 for none. Random loss, not the queue, then bounds a
	// loss-based sender's window.
	Loss() float64
	// Variants returns the transport over paths of growing bandwidth-delay
	// product, for a sweep; none when the path is not shaped.
	Variants() []PathVariant
}

// LossBased reports whether congestion control cc grows its window until
// the bottleneck queue overflows (net/ipv4/tcp_cubic.c, tcp_cong.c
// tcp_reno_cong_avoid), so its bytes in flight follow the queue.
func LossBased(cc string) bool { return cc == "cubic" || cc == "reno" }

// PathVariant is one point of a path sweep.
type PathVariant struct {
	Transport NetworkPath
	Label     string // the path in a few words, e.g. "200 Mbit/s, 512 KiB queue (21 ms)"
}
