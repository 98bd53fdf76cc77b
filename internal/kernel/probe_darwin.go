package kernel

import (
	"errors"
	"time"

	"github.com/streamspec/streamspec/harness"
	"golang.org/x/sys/unix"
)

// fionread is FIONREAD on macOS, _IOR('f', 127, int) in bsd/sys/filio.h;
// golang.org/x/sys/unix does not define it.
const fionread = 0x4004667f

// probeFDs fills q from XNU's socket options SO_NWRITE and SO_NREAD
// (bsd/kern/uipc_socket.c sogetoptlock), TCP_CONNECTION_INFO
// (bsd/netinet/tcp_usrreq.c) and FIONREAD for pipes (bsd/kern/sys_pipe.c).
// macOS reports no unsent/in-flight split: those stay -1.
func probeFDs(q *Queues, wfd, rfd int) error {
	var errs []error
	if q.Kind == harness.KindPipe {
		v, err := unix.IoctlGetInt(rfd, fionread)
		if err != nil {
			return err
		}
		q.RecvQueued = int64(v)
		return nil
	}
	opt := func(dst *int64, fd, name int) {
		v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, name)
		if err != nil {
			errs = append(errs, err)
			return
		}
		*dst = int64(v)
	}
	opt(&q.RecvQueued, rfd, unix.SO_NREAD)
	opt(&q.SendQueued, wfd, unix.SO_NWRITE)
	q.SndBuf, q.RcvBuf = sockBufs(wfd, rfd)
	if q.Kind != harness.KindTCP {
		return errors.Join(errs...)
	}
	ci, err := unix.GetsockoptTCPConnectionInfo(wfd, unix.IPPROTO_TCP, unix.TCP_CONNECTION_INFO)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	q.TCP = &TCPState{
		MSS: int64(ci.Maxseg), CwndBytes: int64(ci.Snd_cwnd), SndWnd: int64(ci.Snd_wnd),
		UnackedPackets: -1, UnackedBytes: -1, NotsentBytes: -1, SndSbBytes: int64(ci.Snd_sbbytes),
		RTT:        time.Duration(ci.Srtt) * time.Millisecond,
		BytesAcked: -1, BytesReceived: -1, ATO: -1, Retransmits: -1,
	}
	return errors.Join(errs...)
}

// setPipeSize: XNU pipes size themselves and have no F_SETPIPE_SZ: a pipe
// starts at 512 B (bsd/kern/sys_pipe.c pipepair_alloc, choose_pipespace) and
// pipe_write grows it for a write that does not fit, to at most 64 KiB
// (PIPE_SIZE * 4, bsd/sys/pipe.h BIG_PIPE_SIZE).
func setPipeSize(fd, size int) (int, error) { return 0, errors.ErrUnsupported }
