package expect

import (
	"slices"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/units"
)

// KnobExpectation is how a built-in kind of transport's capacity responds
// to a knob on one OS: one of Responses.
type KnobExpectation struct {
	GOOS      string
	Kind      harness.Kind
	Knob      string
	Responses []string // Follows, Ignores or Mixed
	Provenance
}

// KnobExpectations are the knob rules the sweeps check. The Linux rows
// were measured with the sweeps' settings (16, 64 and 256 KiB, the other
// side at 64 KiB; pipes 1 to 64 pages).
var KnobExpectations = []KnobExpectation{
	{"linux", harness.KindTCP, measure.KnobSndbuf, one(measure.Follows), linux("net/ipv4/tcp.c tcp_sendmsg_locked waits in sk_stream_wait_memory while sk_wmem_queued >= sk_sndbuf")},
	{"linux", harness.KindTCP, measure.KnobRcvbuf, one(measure.Follows), linux("net/ipv4/tcp_output.c __tcp_select_window: the advertised window is the receiver's free sk_rcvbuf space")},
	{"linux", harness.KindUnix, measure.KnobSndbuf, one(measure.Follows), linux("net/unix/af_unix.c unix_stream_sendmsg allocates skbs on the sender (sock_alloc_send_pskb) against its sk_sndbuf")},
	{"linux", harness.KindUnix, measure.KnobRcvbuf, one(measure.Ignores), linux("net/unix/af_unix.c unix_stream_sendmsg never reads the receiver's sk_rcvbuf")},
	{"linux", harness.KindPipe, measure.KnobPipeSize, one(measure.Follows), linux("fs/pipe.c pipe_write stops at pipe_full(head, tail, max_usage); F_SETPIPE_SZ sets max_usage (pipe_set_size)")},
	{"darwin", harness.KindTCP, measure.KnobSndbuf, one(measure.Follows), FromSource("xnu bsd/kern/uipc_socket.c sosendcheck waits while sbspace(&so->so_snd) is short; sosetoptlock SO_SNDBUF sets sb_hiwat and clears SB_AUTOSIZE")},
	{"darwin", harness.KindTCP, measure.KnobRcvbuf, one(measure.Mixed), FromSource("xnu bsd/netinet/tcp_output.c tcp_output never advertises less than rcv_adv - rcv_nxt, and the SYN-ACK already offered 65 535 (a SYN's window is unscaled): " +
		"an SO_RCVBUF of 16 or 64 KiB set after accept leaves about 64 KiB for the receiver either way, and only 256 KiB raises it")},
	{"darwin", harness.KindUnix, measure.KnobSndbuf, one(measure.Follows), FromSource("xnu bsd/kern/uipc_usrreq.c uipc_send lowers the sender's sb_hiwat by what the receiver holds; uipc_socket.c sosendcheck waits on sbspace(&so->so_snd)")},
	{"darwin", harness.KindUnix, measure.KnobRcvbuf, one(measure.Ignores), FromSource("xnu bsd/kern/uipc_usrreq.c uipc_send appends to the receiver with sbappend whatever its space (SB_UNIX)")},
}

// ExpectedKnob finds the expectation for kind and knob on goos.
func ExpectedKnob(goos string, kind harness.Kind, knob string) (KnobExpectation, bool) {
	i := slices.IndexFunc(KnobExpectations, func(e KnobExpectation) bool {
		return e.GOOS == goos && e.Kind == kind && e.Knob == knob
	})
	if i < 0 {
		return KnobExpectation{}, false
	}
	return KnobExpectations[i], true
}

// CheckSweep compares a sweep with the expectation for kind on goos: how
// capacity responds to the knob, and on Linux that a pipe holds exactly
// its F_GETPIPE_SZ. behaviour is the spec's ID; none where nothing is
// expected. A Noisy sweep is inconclusive, not a difference: its repeats
// spread too wide to tell the classes apart (the netns SO_SNDBUF sweep's
// once did, in CI's race step), which says nothing against the expected
// class; a steady sweep of another class still fails a measured row.
func CheckSweep(behaviour, goos string, kind harness.Kind, s measure.Sweep) []Check {
	e, ok := ExpectedKnob(goos, kind, s.Knob)
	if !ok {
		return nil
	}
	checks := []Check{NewCheck(behaviour, s.Transport, goos, "", s.Response(), e.Responses, e.Provenance)}
	checks[0].Detail = s.Describe()
	checks[0].Inconclusive = !checks[0].Matches && checks[0].Got == measure.Noisy
	if s.Knob == measure.KnobPipeSize && goos == "linux" {
		for _, p := range s.Points {
			checks = append(checks, NewCheck(behaviour, s.Transport, goos, "pipe size",
				units.Bytes(p.AcceptedBytes)+" accepted", []string{units.Bytes(p.Extra["pipe_size"]) + " accepted"},
				linux("fs/pipe.c pipe_write fills exactly the F_GETPIPE_SZ it reports")))
		}
	}
	return checks
}
