package kernel

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/rawconn"
)

// ErrNoDescriptor is returned by the probes for an endpoint without kernel
// descriptors (net.Pipe, TLS, most custom transports).
var ErrNoDescriptor = errors.New("endpoint has no kernel descriptor")

// Queues is a snapshot of the kernel's queues behind one endpoint: its
// sending direction (a socket, or the pipe it writes) and its receiving
// direction. Counts the platform cannot report are -1.
type Queues struct {
	Kind harness.Kind `json:"kind"` // tcp, unix or pipe, found from the descriptor

	// SendQueued is what the sending side holds. Linux SIOCOUTQ: for TCP the
	// payload not yet acknowledged (unsent + in flight), for a Unix socket
	// the skb truesize charged to the sender (payload plus overhead, the
	// payload itself sits in the peer's receive queue). macOS SO_NWRITE.
	SendQueued int64 `json:"send_queued"`
	SendUnsent int64 `json:"send_unsent"` // TCP, Linux SIOCOUTQNSD: written, not yet sent
	InFlight   int64 `json:"in_flight"`   // TCP, Linux SIOCOUTQ - SIOCOUTQNSD: sent, unacknowledged
	RecvQueued int64 `json:"recv_queued"` // unread: Linux SIOCINQ/FIONREAD, macOS SO_NREAD/FIONREAD

	SndBuf   int64 `json:"so_sndbuf"` // SO_SNDBUF as getsockopt reports it (Linux doubles what was set)
	RcvBuf   int64 `json:"so_rcvbuf"`
	PipeSize int64 `json:"pipe_size"` // Linux F_GETPIPE_SZ of the pipe this endpoint writes

	TCP *TCPState `json:"tcp,omitempty"`
}

// TCPState is the part of TCP_INFO (Linux) or TCP_CONNECTION_INFO (macOS)
// that explains where a sender's bytes are.
type TCPState struct {
	MSS            int64         `json:"mss"`
	CwndBytes      int64         `json:"cwnd_bytes"`      // Linux tcpi_snd_cwnd * tcpi_snd_mss; macOS tcpi_snd_cwnd
	SndWnd         int64         `json:"snd_wnd"`         // the peer's advertised window
	UnackedPackets int64         `json:"unacked_packets"` // Linux tcpi_unacked; -1 on macOS
	UnackedBytes   int64         `json:"unacked_bytes"`   // UnackedPackets * MSS, an estimate; InFlight is exact
	NotsentBytes   int64         `json:"notsent_bytes"`   // Linux tcpi_notsent_bytes; -1 on macOS
	SndSbBytes     int64         `json:"snd_sbbytes"`     // macOS tcpi_snd_sbbytes; -1 on Linux
	RTT            time.Duration `json:"rtt_ns"`

	// From the sending socket: payload acknowledged so far (Linux
	// tcpi_bytes_acked). From the receiving socket: payload received so
	// far (tcpi_bytes_received) and its delayed-ACK timeout (tcpi_ato).
	// -1 on macOS.
	BytesAcked    int64         `json:"bytes_acked"`
	BytesReceived int64         `json:"bytes_received"`
	ATO           time.Duration `json:"ato_ns"`
	// Retransmits is segments the sender has retransmitted since the
	// connection began (Linux tcpi_total_retrans): non-zero once it has
	// overflowed a queue on its path. -1 on macOS.
	Retransmits int64 `json:"retransmits"`
}

// unknownQueues is a Queues with every count unknown.
func unknownQueues() Queues {
	return Queues{SendQueued: -1, SendUnsent: -1, InFlight: -1, RecvQueued: -1, SndBuf: -1, RcvBuf: -1, PipeSize: -1}
}

// ProbeQueues reads c's kernel queues without moving data. It uses
// RawConn.Control only: (*os.File).Fd would switch a descriptor to blocking
// mode and break deadlines.
func ProbeQueues(c net.Conn) (Queues, error) {
	r, w := rawconn.RawConns(c)
	if r == nil || w == nil {
		return unknownQueues(), ErrNoDescriptor
	}
	return ProbeRaw(w, r)
}

// probeRaw probes the sending side through w and the receiving side
// through r (the same RawConn for a socket).
func ProbeRaw(w, r syscall.RawConn) (Queues, error) {
	q := unknownQueues()
	var perr error
	err := control2(w, r, func(wfd, rfd int) {
		q.Kind = fdKind(wfd)
		perr = probeFDs(&q, wfd, rfd)
	})
	return q, errors.Join(err, perr)
}

// control2 runs f with the descriptors behind w and r held open.
func control2(w, r syscall.RawConn, f func(wfd, rfd int)) error {
	var inner error
	outer := w.Control(func(wfd uintptr) {
		inner = r.Control(func(rfd uintptr) { f(int(wfd), int(rfd)) })
	})
	return errors.Join(outer, inner)
}

// SetPipeSize sets the capacity of the pipe c writes (Linux F_SETPIPE_SZ,
// which rounds up to a power-of-two number of pages) and returns the size
// in force. Elsewhere it returns errors.ErrUnsupported.
func SetPipeSize(c net.Conn, size int) (int, error) {
	_, w := rawconn.RawConns(c)
	if w == nil {
		return 0, ErrNoDescriptor
	}
	var got int
	var serr error
	if err := w.Control(func(fd uintptr) { got, serr = setPipeSize(int(fd), size) }); err != nil {
		return 0, err
	}
	if serr != nil {
		return 0, fmt.Errorf("F_SETPIPE_SZ %d: %w", size, serr)
	}
	return got, nil
}

// Unread returns the bytes waiting in the kernel to be read from c, or
// ErrNoDescriptor when c has no readable descriptor. Specs use it to know
// that data has arrived without reading it.
func Unread(c net.Conn) (int, error) {
	r, _ := rawconn.RawConns(c)
	if r == nil {
		return 0, ErrNoDescriptor
	}
	q, err := ProbeRaw(r, r)
	if q.RecvQueued < 0 {
		return 0, errors.Join(errors.New("unread bytes unknown"), err)
	}
	return int(q.RecvQueued), nil
}

// Moved reports whether the byte counts differ from an earlier snapshot.
// A probe reads them one at a time; one followed by a probe that finds
// them all unchanged was read while nothing moved, so it is consistent
// even if the probing goroutine was preempted halfway: every arrival,
// ACK or transmission changes a queue or TCP's byte counters.
func (q Queues) Moved(old Queues) bool {
	if q.SendQueued != old.SendQueued || q.SendUnsent != old.SendUnsent || q.RecvQueued != old.RecvQueued ||
		q.SndBuf != old.SndBuf || q.RcvBuf != old.RcvBuf {
		return true
	}
	if q.TCP == nil || old.TCP == nil {
		return (q.TCP == nil) != (old.TCP == nil)
	}
	return q.TCP.BytesAcked != old.TCP.BytesAcked || q.TCP.BytesReceived != old.TCP.BytesReceived
}

// Probeable reports whether endpoints of kind k are kernel objects whose
// queues the probes can read.
func Probeable(k harness.Kind) bool {
	return k == harness.KindTCP || k == harness.KindUnix || k == harness.KindPipe
}
