package harness

import (
	"net"
	"slices"

	"github.com/streamspec/streamspec/internal/rawconn"
	"go.uber.org/goleak"
)

// Kind groups transports by mechanism; the report uses it to say whether a
// behaviour depends on TCP, on the socket type or on being a kernel object.
type Kind string

const (
	KindTCP    Kind = "tcp"    // a kernel TCP socket
	KindUnix   Kind = "unix"   // a kernel Unix domain stream socket
	KindPipe   Kind = "pipe"   // kernel pipes
	KindMemory Kind = "memory" // in-process, no kernel object (net.Pipe)
	KindTLS    Kind = "tls"    // a user-space protocol over a kernel socket
	KindRelay  Kind = "relay"  // a proxy between two kernel sockets
	KindCustom Kind = "custom" // anything a user plugs in
)

// Ability is an optional capability of an endpoint. Abilities are
// discovered from the endpoint's type; Traits.Lacks removes those a type
// cannot truthfully reveal.
type Ability string

const (
	CloseWrite    Ability = "close-write"   // CloseWrite: half-close, the peer reads EOF
	CloseRead     Ability = "close-read"    // CloseRead: shut down the reading direction
	ReadDeadline  Ability = "read-deadline" // SetReadDeadline interrupts a blocked Read
	WriteDeadline Ability = "write-deadline"
	Descriptor    Ability = "descriptor"    // kernel descriptors reachable through syscall.RawConn
	BufferSizing  Ability = "buffer-sizing" // SetReadBuffer / SetWriteBuffer
	NoDelay       Ability = "no-delay"      // SetNoDelay (Nagle's algorithm)
	FullClose     Ability = "full-close"    // Close releases both directions
)

// AllAbilities lists every ability in report order.
var AllAbilities = []Ability{CloseWrite, CloseRead, ReadDeadline, WriteDeadline, Descriptor, BufferSizing, NoDelay, FullClose}

// Traits are what a transport declares about itself.
type Traits struct {
	Kind  Kind
	Lacks []Ability // abilities its types suggest but it does not have
	Notes string    // one line for the report, e.g. "Go defaults, autotuning"
	// Proxy names the proxy a relay runs through ("haproxy", "nginx"):
	// a failure then names the proxy's setting that governs it.
	Proxy string
	// IgnoreGoroutines are the library's process-wide goroutines the leak
	// check must not report (see IgnoreGoroutines).
	IgnoreGoroutines []goleak.Option
}

// Abilities discovers what c can do, less what t declares missing.
func (t Traits) Abilities(c net.Conn) []Ability {
	var out []Ability
	for _, a := range AllAbilities {
		if !slices.Contains(t.Lacks, a) && discover(c, a) {
			out = append(out, a)
		}
	}
	return out
}

func discover(c net.Conn, a Ability) bool {
	switch a {
	case CloseWrite:
		_, ok := c.(interface{ CloseWrite() error })
		return ok
	case CloseRead:
		_, ok := c.(interface{ CloseRead() error })
		return ok
	case ReadDeadline, WriteDeadline:
		if e, ok := c.(interface{ hasDeadline(Ability) bool }); ok {
			return e.hasDeadline(a) // an adapted endpoint knows which setters it has
		}
		return true // every net.Conn claims them; Traits.Lacks says otherwise
	case FullClose:
		return true
	case Descriptor:
		r, w := rawconn.RawConns(c)
		return r != nil && w != nil
	case BufferSizing:
		_, ok := c.(interface {
			SetReadBuffer(int) error
			SetWriteBuffer(int) error
		})
		return ok
	case NoDelay:
		_, ok := c.(interface{ SetNoDelay(bool) error })
		return ok
	}
	return false
}
