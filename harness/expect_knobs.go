package harness

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Knobs a Sweep varies.
const (
	KnobSndbuf   = "so_sndbuf" // the writer's SO_SNDBUF, the reader's SO_RCVBUF fixed
	KnobRcvbuf   = "so_rcvbuf" // the reader's SO_RCVBUF, the writer's SO_SNDBUF fixed
	KnobPipeSize = "pipe_size" // F_SETPIPE_SZ on the pipe written
)

// Responses of capacity to a knob, as Sweep.Response classifies them.
const (
	Follows = "follows" // each setting accepts over 10% more than the one below, the largest at least 1.5 times the smallest
	Ignores = "ignores" // every setting within 10% of the first
	Mixed   = "mixed"   // neither: some step flat or falling, and some setting beyond 10% of the first
	Noisy   = "noisy"   // the spread between repeats leaves it open which of the three it is
)

// NoiseMargin widens each point of a sweep by this many times its noise
// before it is classified: three repeats often understate a point's
// spread. A point's noise is the spread (max - min) of its repeats, or
// the sweep's median spread if that is larger, so that one point whose
// repeats happened to agree does not pass for exact among noisy ones,
// while a kernel path whose largest setting alone wobbles keeps its
// other points exact.
const NoiseMargin = 3

// Response classifies how the accepted bytes respond to the knob; the
// points must be in increasing order of setting. Each point is the median
// of its Samples (repeats on fresh pairs, or AcceptedBytes alone), known
// only to within NoiseMargin times its noise. A class is given only when
// it holds wherever in those bands the true values lie, and a sweep with
// repeats MaxSteadySpread apart is given none but Follows; otherwise it
// is Noisy. So a sweep whose repeats agree (a kernel's buffers) is
// classified exactly, and one whose differences between settings are
// within its spread between repeats (a relay's autotuned buffers) says
// Noisy, rather than a class that flips from run to run: in simulated
// sweeps shaped like socat's, and harder ones, no run of 10 000 said
// anything else (harness TestSweepResponseIsStableUnderNoise).
func (s Sweep) Response() string {
	if len(s.Points) < 2 {
		return Mixed
	}
	lo, hi := s.band()
	follows, ignores := s.follows(lo, hi), s.ignores(lo, hi)
	switch {
	case follows == yes:
		return Follows
	case s.unsteady():
		return Noisy
	case ignores == yes:
		return Ignores
	case follows == no && ignores == no:
		return Mixed
	}
	return Noisy
}

// Noise is the largest spread (max - min) between the repeats of one point.
func (s Sweep) Noise() int64 { return slices.Max(append(s.spreads(), 0)) }

func (s Sweep) spreads() []int64 {
	var out []int64
	for _, p := range s.Points {
		var d int64
		if len(p.Samples) > 0 {
			d = slices.Max(p.Samples) - slices.Min(p.Samples)
		}
		out = append(out, d)
	}
	return out
}

// MaxSteadySpread is the spread between repeats, relative to the
// smallest point, from which a sweep is too noisy to be called anything
// but Follows (when it clearly does) or Noisy: with repeats 1% apart or
// more, whether settings 10% apart differ is a matter of luck.
const MaxSteadySpread = 0.01

// unsteady: some point's repeats are MaxSteadySpread of the smallest
// point apart or more.
func (s Sweep) unsteady() bool {
	smallest := slices.MinFunc(s.Points, func(a, b SweepPoint) int { return cmp.Compare(a.AcceptedBytes, b.AcceptedBytes) })
	return float64(s.Noise()) >= MaxSteadySpread*float64(smallest.AcceptedBytes)
}

// band is each point's median widened by NoiseMargin times its noise.
func (s Sweep) band() (lo, hi []float64) {
	spreads := s.spreads()
	typical := slices.Sorted(slices.Values(spreads))[len(spreads)/2]
	for i, p := range s.Points {
		m, u := float64(p.AcceptedBytes), float64(NoiseMargin*max(spreads[i], typical))
		lo, hi = append(lo, m-u), append(hi, m+u)
	}
	return lo, hi
}

// tri is a truth value that may be unknown.
type tri int

const (
	unknown tri = iota
	yes
	no
)

// follows: every step up by over 10%, the last at least 1.5 times the first.
func (s Sweep) follows(lo, hi []float64) tri {
	certain, refuted := lo[len(lo)-1] >= 1.5*hi[0], hi[len(hi)-1] < 1.5*lo[0]
	for i := 1; i < len(lo); i++ {
		certain = certain && lo[i] > 1.1*hi[i-1]
		refuted = refuted || hi[i] <= 1.1*lo[i-1]
	}
	return verdict(certain, refuted)
}

// ignores: every point within 10% of the first.
func (s Sweep) ignores(lo, hi []float64) tri {
	certain, refuted := lo[0] > 0, false
	for i := 1; i < len(lo); i++ {
		certain = certain && hi[i]-lo[0] <= 0.1*lo[0] && hi[0]-lo[i] <= 0.1*lo[0]
		refuted = refuted || lo[i] > 1.1*hi[0] || hi[i] < 0.9*lo[0]
	}
	return verdict(certain, refuted)
}

func verdict(certain, refuted bool) tri {
	switch {
	case certain:
		return yes
	case refuted:
		return no
	}
	return unknown
}

// KnobExpectation is how a built-in kind of transport's capacity responds
// to a knob on one OS: one of Responses.
type KnobExpectation struct {
	GOOS      string
	Kind      Kind
	Knob      string
	Responses []string // Follows, Ignores or Mixed
	Provenance
}

// KnobExpectations are the knob rules the sweeps check. The Linux rows
// were measured with the sweeps' settings (16, 64 and 256 KiB, the other
// side at 64 KiB; pipes 1 to 64 pages).
var KnobExpectations = []KnobExpectation{
	{"linux", KindTCP, KnobSndbuf, one(Follows), linux("net/ipv4/tcp.c tcp_sendmsg_locked waits in sk_stream_wait_memory while sk_wmem_queued >= sk_sndbuf")},
	{"linux", KindTCP, KnobRcvbuf, one(Follows), linux("net/ipv4/tcp_output.c __tcp_select_window: the advertised window is the receiver's free sk_rcvbuf space")},
	{"linux", KindUnix, KnobSndbuf, one(Follows), linux("net/unix/af_unix.c unix_stream_sendmsg allocates skbs on the sender (sock_alloc_send_pskb) against its sk_sndbuf")},
	{"linux", KindUnix, KnobRcvbuf, one(Ignores), linux("net/unix/af_unix.c unix_stream_sendmsg never reads the receiver's sk_rcvbuf")},
	{"linux", KindPipe, KnobPipeSize, one(Follows), linux("fs/pipe.c pipe_write stops at pipe_full(head, tail, max_usage); F_SETPIPE_SZ sets max_usage (pipe_set_size)")},
	{"darwin", KindTCP, KnobSndbuf, one(Follows), FromSource("xnu bsd/kern/uipc_socket.c sosendcheck waits while sbspace(&so->so_snd) is short; sosetoptlock SO_SNDBUF sets sb_hiwat and clears SB_AUTOSIZE")},
	{"darwin", KindTCP, KnobRcvbuf, one(Mixed), FromSource("xnu bsd/netinet/tcp_output.c tcp_output never advertises less than rcv_adv - rcv_nxt, and the SYN-ACK already offered 65 535 (a SYN's window is unscaled): " +
		"an SO_RCVBUF of 16 or 64 KiB set after accept leaves about 64 KiB for the receiver either way, and only 256 KiB raises it")},
	{"darwin", KindUnix, KnobSndbuf, one(Follows), FromSource("xnu bsd/kern/uipc_usrreq.c uipc_send lowers the sender's sb_hiwat by what the receiver holds; uipc_socket.c sosendcheck waits on sbspace(&so->so_snd)")},
	{"darwin", KindUnix, KnobRcvbuf, one(Ignores), FromSource("xnu bsd/kern/uipc_usrreq.c uipc_send appends to the receiver with sbappend whatever its space (SB_UNIX)")},
}

// ExpectedKnob finds the expectation for kind and knob on goos.
func ExpectedKnob(goos string, kind Kind, knob string) (KnobExpectation, bool) {
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
// expected.
func CheckSweep(behaviour, goos string, kind Kind, s Sweep) []Check {
	e, ok := ExpectedKnob(goos, kind, s.Knob)
	if !ok {
		return nil
	}
	checks := []Check{NewCheck(behaviour, s.Transport, goos, "", s.Response(), e.Responses, e.Provenance)}
	checks[0].Detail = s.describe()
	if s.Knob == KnobPipeSize && goos == "linux" {
		for _, p := range s.Points {
			checks = append(checks, NewCheck(behaviour, s.Transport, goos, "pipe size",
				fmt.Sprintf("%s B accepted", Bytes(p.AcceptedBytes)), []string{fmt.Sprintf("%s B accepted", Bytes(p.Extra["pipe_size"]))},
				linux("fs/pipe.c pipe_write fills exactly the F_GETPIPE_SZ it reports")))
		}
	}
	return checks
}

// describe lists the points, with their spread where they were repeated.
func (s Sweep) describe() string {
	var parts []string
	for _, p := range s.Points {
		parts = append(parts, fmt.Sprintf("%s -> %s B", Bytes(p.Setting), Bytes(p.AcceptedBytes)))
	}
	out := strings.Join(parts, ", ")
	if n := s.Noise(); n > 0 {
		out += fmt.Sprintf("; repeats spread up to %s B", Bytes(n))
	}
	return out
}
