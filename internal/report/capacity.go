package report

import (
	"cmp"
	"slices"

	"github.com/streamspec/streamspec/harness"
)

// CapacityBar is the capacity shown for one transport: of the
// decompositions a spec recorded there (one per fresh pair, per method),
// the one with the median accepted bytes, with the range of them all.
type CapacityBar struct {
	Label    string // column label, with the spec when a transport has several
	Samples  int    // decompositions it was chosen from: fresh pairs
	Min, Max int64  // accepted bytes, least and most of the samples
	Capacity
}

// Parts are the disjoint places the accepted bytes were when the writer
// blocked: Unsent + InFlight + Receiver + Unattributed == AcceptedBytes,
// always. A counter that also counts bytes shown in another part is not
// a part: Charged is what a Unix sender's SIOCOUTQ charges it for bytes
// that sit in the receiver's queue (payload plus overhead), and
// Overcounted is how far the counters' sum exceeds the accepted bytes
// (their parts are then cut to fit, the receiver's first kept whole).
type Parts struct {
	Unsent, InFlight, Receiver, Unattributed int64
	Charged, Overcounted                     int64
}

// Parts splits c's accepted bytes by the kernel's counters. Counters the
// platform could not read count as zero: those bytes are unattributed.
func (c Capacity) Parts() Parts {
	var p Parts
	receiver := max(c.ReceiverQueuedBytes, 0)
	var unsent, inFlight int64
	switch c.Kind {
	case harness.KindUnix:
		// One copy of the payload, in the receiver's queue; the sender's
		// counter is the charge for it.
		p.Charged = max(c.SenderQueuedBytes, 0)
	case harness.KindPipe:
		// One buffer, counted once, as the receiver's.
	default:
		// TCP: sent but unacknowledged bytes the receiver already holds
		// (its ACK not yet back) are in its queue, not in flight.
		inFlight = max(c.InFlightBytes, 0)
		if c.AckPendingBytes > 0 {
			inFlight = max(inFlight-c.AckPendingBytes, 0)
		}
		switch {
		case c.SenderUnsentBytes >= 0:
			unsent = c.SenderUnsentBytes
		case c.SenderQueuedBytes >= 0:
			unsent = max(c.SenderQueuedBytes-max(c.InFlightBytes, 0), 0)
		}
	}
	left := max(c.AcceptedBytes, 0)
	take := func(n int64) int64 { n = min(n, left); left -= n; return n }
	p.Overcounted = max(receiver+inFlight+unsent-left, 0)
	p.Receiver, p.InFlight, p.Unsent = take(receiver), take(inFlight), take(unsent)
	p.Unattributed = left
	return p
}

// CapacityBars returns one bar per environment, transport, spec and
// method, in column order.
func (r *Report) CapacityBars() []CapacityBar {
	type key struct{ env, transport, behaviour, method string }
	groups := map[key][]Capacity{}
	var order []key
	all := r.Capacities
	if r.Reference != nil {
		all = append(slices.Clone(all), r.Reference.Capacities...)
	}
	for _, c := range all {
		k := key{c.Env, c.Transport, c.Behaviour, c.Method}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	col := indexOf(r.Shown(), func(t Transport) string { return t.Name + "@" + t.Env })
	slices.SortStableFunc(order, func(a, b key) int {
		return cmp.Compare(col[a.transport+"@"+a.env], col[b.transport+"@"+b.env])
	})
	specs := map[string]map[string]int{} // per column, the methods each spec measured it with
	for _, k := range order {
		c := k.transport + "@" + k.env
		if specs[c] == nil {
			specs[c] = map[string]int{}
		}
		specs[c][k.behaviour]++
	}
	var out []CapacityBar
	for _, k := range order {
		g := slices.Clone(groups[k])
		slices.SortFunc(g, func(a, b Capacity) int { return cmp.Compare(a.AcceptedBytes, b.AcceptedBytes) })
		label := r.Label(Transport{Name: k.transport, Env: k.env})
		if bys := specs[k.transport+"@"+k.env]; len(bys) > 1 || bys[k.behaviour] > 1 {
			label += " (" + k.behaviour
			if bys[k.behaviour] > 1 && k.method != "" {
				label += ", " + k.method
			}
			label += ")"
		}
		out = append(out, CapacityBar{Label: label, Samples: len(g), Min: g[0].AcceptedBytes, Max: g[len(g)-1].AcceptedBytes,
			Capacity: g[(len(g)-1)/2]})
	}
	return out
}
