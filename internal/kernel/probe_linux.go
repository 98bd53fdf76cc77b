package kernel

import (
	"errors"
	"fmt"
	"time"

	"github.com/streamspec/streamspec/harness"
	"golang.org/x/sys/unix"
)

// probeFDs fills q from Linux's socket ioctls (SIOCOUTQ, SIOCOUTQNSD,
// SIOCINQ: man 7 tcp, man 7 unix), TCP_INFO and the pipe fcntls. SIOCINQ
// and FIONREAD are the same request (0x541B), so it serves pipes too.
func probeFDs(q *Queues, wfd, rfd int) error {
	var errs []error
	get := func(dst *int64, fd int, req uint) {
		v, err := unix.IoctlGetInt(fd, req)
		if err != nil {
			errs = append(errs, err)
			return
		}
		*dst = int64(v)
	}
	get(&q.RecvQueued, rfd, unix.SIOCINQ)
	switch q.Kind {
	case harness.KindPipe:
		if v, err := unix.FcntlInt(uintptr(wfd), unix.F_GETPIPE_SZ, 0); err == nil {
			q.PipeSize = int64(v)
		} else {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	case harness.KindTCP, harness.KindUnix:
		get(&q.SendQueued, wfd, unix.SIOCOUTQ)
		q.SndBuf, q.RcvBuf = sockBufs(wfd, rfd)
	}
	if q.Kind != harness.KindTCP {
		return errors.Join(errs...)
	}
	get(&q.SendUnsent, wfd, unix.SIOCOUTQNSD)
	if q.SendQueued >= 0 && q.SendUnsent >= 0 {
		q.InFlight = q.SendQueued - q.SendUnsent // snd_nxt - snd_una, to the byte
	}
	ti, err := unix.GetsockoptTCPInfo(wfd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	mss := int64(ti.Snd_mss)
	q.TCP = &TCPState{
		MSS: mss, CwndBytes: int64(ti.Snd_cwnd) * mss, SndWnd: int64(ti.Snd_wnd),
		UnackedPackets: int64(ti.Unacked), UnackedBytes: int64(ti.Unacked) * mss,
		NotsentBytes: int64(ti.Notsent_bytes), SndSbBytes: -1,
		RTT:        time.Duration(ti.Rtt) * time.Microsecond,
		BytesAcked: int64(ti.Bytes_acked), BytesReceived: -1, ATO: -1, Retransmits: int64(ti.Total_retrans),
	}
	if ri, err := unix.GetsockoptTCPInfo(rfd, unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
		q.TCP.BytesReceived, q.TCP.ATO = int64(ri.Bytes_received), time.Duration(ri.Ato)*time.Microsecond
	} else {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func setPipeSize(fd, size int) (int, error) {
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETPIPE_SZ, size); err != nil {
		return 0, err
	}
	return unix.FcntlInt(uintptr(fd), unix.F_GETPIPE_SZ, 0)
}

// recovering reads TCP_INFO on fd and says how TCP is still working on
// bytes it sent: unacknowledged segments while it recovers from a loss
// (tcpi_ca_state Recovery or Loss, include/net/tcp.h tcp_ca_state) or
// retransmits on a timer that backs off (tcpi_backoff, tcpi_rto).
func recovering(fd int) (string, bool) {
	ti, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil || ti.Unacked == 0 {
		return "", false
	}
	const caRecovery = 3 // TCP_CA_Recovery; TCP_CA_Loss is 4
	if ti.Ca_state < caRecovery && ti.Backoff == 0 && ti.Retransmits == 0 {
		return "", false
	}
	rto := time.Duration(ti.Rto) * time.Microsecond
	return fmt.Sprintf("TCP is recovering from a loss (%d segments unacknowledged, retransmission timeout %v, backed off %d times)",
		ti.Unacked, rto.Round(time.Millisecond), ti.Backoff), true
}
