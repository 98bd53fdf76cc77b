package measure

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/internal/units"
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
// spread. A point counts as its median give or take NoiseMargin times its
// spread (max - min of its repeats, the sweep's outlier left out,
// Sweep.Outlier) or the sweep's median spread if that is larger: so one
// point whose repeats happened to agree does not pass for exact among
// noisy ones, while a kernel path whose largest setting alone wobbles
// keeps its other points exact. A sweep also follows its knob if each
// point's whole range of repeats, widened by NoiseMargin times the
// sweep's typical deviation (Sweep.typical), does: a repeat that a loaded
// scheduler moved then widens its own point to take it in, not every
// point by three times its distance, while repeats that all scatter (a
// relay's) keep the typical deviation, and so every range, wide.
const NoiseMargin = 3

// MaxSteadySpread is the spread between repeats, relative to the
// smallest point, from which a sweep is too noisy to be called anything
// but Follows (when it clearly does) or Noisy: with repeats 1% apart or
// more, whether settings 10% apart differ is a matter of luck.
const MaxSteadySpread = 0.01

// OutlierSpread is how close, relative to their medians, the other
// repeats of a sweep must agree for one repeat far from them to be left
// out as an outlier: ten times closer than steady repeats, because which
// repeat to leave out is chosen after seeing them.
const OutlierSpread = MaxSteadySpread / 10

// Response classifies how the accepted bytes respond to the knob; the
// points must be in increasing order of setting, each with its Samples
// (repeats on fresh pairs; AcceptedBytes, their median, alone otherwise),
// known only to within the bands NoiseMargin describes. A class is given
// only when it holds wherever in those bands the true values lie, and a
// sweep with repeats MaxSteadySpread apart is given none but Follows;
// otherwise it is Noisy. So a sweep whose repeats agree (a kernel's
// buffers) is classified exactly, even where a loaded scheduler moved a
// repeat here and there (netns under the oversubscribed soak: 278 016,
// 278 016, 256 672 B at one setting, 639 120, 638 424, 682 008 at the
// next; or, met in one sweep, 171 528 and 173 760 at 16 KiB, 256 672
// twice and 278 016 at 64 KiB, 638 840, 648 704 and 682 008 at 256 KiB),
// and one whose differences between settings are within its
// spread between repeats (a relay's autotuned buffers) says Noisy, rather
// than a class that flips from run to run: in simulated sweeps shaped
// like socat's, and harder ones, no run of 10 000 said anything else
// (harness TestSweepResponseIsStableUnderNoise).
func (s Sweep) Response() string {
	if len(s.Points) < 2 {
		return Mixed
	}
	spreads := s.spreadsWithout(s.Outlier())
	lo, hi := s.band(spreads)
	follows, ignores := s.follows(lo, hi), s.ignores(lo, hi)
	switch {
	case follows == yes, s.follows(s.ranges()) == yes:
		return Follows
	case s.unsteady(spreads):
		return Noisy
	case ignores == yes:
		return Ignores
	case follows == no && ignores == no:
		return Mixed
	}
	return Noisy
}

// Noise is the largest spread (max - min) between the repeats of one
// point, every repeat counted.
func (s Sweep) Noise() int64 { return slices.Max(append(s.spreadsWithout(-1, -1), 0)) }

// spreadsWithout are the points' spreads (max - min of their repeats),
// repeat j of point i left out.
func (s Sweep) spreadsWithout(i, j int) []int64 {
	var out []int64
	for k, p := range s.Points {
		sm := p.Samples
		if k == i {
			sm = slices.Delete(slices.Clone(sm), j, j+1)
		}
		var d int64
		if len(sm) > 0 {
			d = slices.Max(sm) - slices.Min(sm)
		}
		out = append(out, d)
	}
	return out
}

// typical is the sweep's typical deviation of a repeat from its point's
// median: the (lower) median, over every point of two or more repeats, of
// how far each repeat other than the median one lies from it. It pools
// the whole sweep's repeats, so repeats that all scatter (a relay's
// autotuned buffers) keep it wide, while repeats here and there that a
// loaded scheduler moved, among repeats that agree (a kernel's), do not
// move it: up to half of them may land apart.
func (s Sweep) typical() int64 {
	var devs []int64
	for _, p := range s.Points {
		sorted := slices.Sorted(slices.Values(p.Samples))
		for i, v := range sorted {
			if i != len(sorted)/2 {
				devs = append(devs, max(v-sorted[len(sorted)/2], sorted[len(sorted)/2]-v))
			}
		}
	}
	if len(devs) == 0 {
		return 0
	}
	return slices.Sorted(slices.Values(devs))[(len(devs)-1)/2]
}

// Outlier is the one repeat the points' spreads leave out, repeat j of
// point i, or -1, -1 for none: the repeat farthest from its point's
// median, relative to it, among points of three repeats or more (whose
// median it cannot move), where every point's other repeats agree within
// OutlierSpread. That is one repeat a loaded scheduler moved among
// repeats that agree as a kernel's buffers do (a Unix socket's 131 072,
// 141 000, 131 072 with the other points exact); where the repeats
// scatter (a relay's autotuned buffers), the others do not agree that
// closely, and nothing is left out.
func (s Sweep) Outlier() (i, j int) {
	i, j = -1, -1
	var worst float64
	for k, p := range s.Points {
		if len(p.Samples) < 3 || p.AcceptedBytes <= 0 {
			continue
		}
		for l, v := range p.Samples {
			if d := relative(v-p.AcceptedBytes, p.AcceptedBytes); d > worst {
				i, j, worst = k, l, d
			}
		}
	}
	if i < 0 {
		return -1, -1
	}
	for k, d := range s.spreadsWithout(i, j) {
		if relative(d, s.Points[k].AcceptedBytes) > OutlierSpread {
			return -1, -1
		}
	}
	return i, j
}

// relative is |d| as a fraction of of.
func relative(d, of int64) float64 { return math.Abs(float64(d)) / float64(max(1, of)) }

// smallest is the smallest point's accepted bytes.
func (s Sweep) smallest() int64 {
	return slices.MinFunc(s.Points, func(a, b SweepPoint) int { return cmp.Compare(a.AcceptedBytes, b.AcceptedBytes) }).AcceptedBytes
}

// unsteady: some point's spread is MaxSteadySpread of the smallest point
// or more.
func (s Sweep) unsteady(spreads []int64) bool {
	return float64(slices.Max(spreads)) >= MaxSteadySpread*float64(s.smallest())
}

// band is each point's median widened by NoiseMargin times its spread, or
// the sweep's median spread if that is larger.
func (s Sweep) band(spreads []int64) (lo, hi []float64) {
	median := slices.Sorted(slices.Values(spreads))[len(spreads)/2]
	for i, p := range s.Points {
		m, u := float64(p.AcceptedBytes), float64(NoiseMargin*max(spreads[i], median))
		lo, hi = append(lo, m-u), append(hi, m+u)
	}
	return lo, hi
}

// ranges is each point's range of repeats widened by NoiseMargin times
// the sweep's typical spread.
func (s Sweep) ranges() (lo, hi []float64) {
	u := float64(NoiseMargin * s.typical())
	for _, p := range s.Points {
		sm := p.Samples
		if len(sm) == 0 {
			sm = []int64{p.AcceptedBytes}
		}
		lo, hi = append(lo, float64(slices.Min(sm))-u), append(hi, float64(slices.Max(sm))+u)
	}
	return lo, hi
}

// Settled reports that one more repeat at each point cannot change what
// Response says, so a sweep can stop repeating: it says Noisy whatever
// the next repeats are, because no medians within the range each point's
// repeats span (where one more repeat leaves its median) follow, even
// without margins, and at least two points spread MaxSteadySpread of the
// smallest point apart (one more repeat may cut one point's spread, as an
// outlier left out, never two). A sweep classified Follows, Ignores or
// Mixed is never settled by this test: a next repeat far from the others
// widens its bands.
func (s Sweep) Settled() bool {
	if len(s.Points) < 2 {
		return false
	}
	var lows, highs []float64
	for _, p := range s.Points {
		if len(p.Samples) < 2 {
			return false
		}
		lows, highs = append(lows, float64(slices.Min(p.Samples))), append(highs, float64(slices.Max(p.Samples)))
	}
	if s.follows(highs, lows) == yes {
		return false // with medians and ranges anywhere in these, it might follow
	}
	// The smallest median can end no higher than the smallest maximum.
	bar := MaxSteadySpread * slices.Min(highs)
	wide := 0
	for _, d := range s.spreadsWithout(-1, -1) {
		if float64(d) >= bar {
			wide++
		}
	}
	return wide >= 2
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

// NoiseNote says how far the repeats spread, and which repeat, if
// any, the classification left out.
func (s Sweep) NoiseNote() string {
	n := s.Noise()
	if n == 0 {
		return ""
	}
	out := "repeats spread up to " + units.Bytes(n)
	if i, j := s.Outlier(); i >= 0 {
		out += fmt.Sprintf(", %s at %s left out as an outlier", units.Bytes(s.Points[i].Samples[j]), units.Bytes(s.Points[i].Setting))
	}
	return out
}

// describe lists the points, with their spread where they were repeated.
func (s Sweep) Describe() string {
	var parts []string
	for _, p := range s.Points {
		parts = append(parts, fmt.Sprintf("%s -> %s", units.Bytes(p.Setting), units.Bytes(p.AcceptedBytes)))
	}
	out := strings.Join(parts, ", ")
	if n := s.NoiseNote(); n != "" {
		out += "; " + n
	}
	return out
}
