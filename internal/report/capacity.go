package report

import (
	"cmp"
	"slices"
)

// CapacityBar is the capacity shown for one transport: of the
// decompositions a spec recorded there (repetitions, methods), the one
// with the median accepted bytes.
type CapacityBar struct {
	Label   string // column label, with the spec when a transport has several
	Samples int    // decompositions it was chosen from
	Capacity
}

// Parts splits the accepted bytes into what the sender has not sent, what
// is in flight, what waits in the receiver's queue, and what no counter
// accounts for. Counters the platform could not read count as zero.
func (c Capacity) Parts() (unsent, inFlight, receiver, unattributed int64) {
	inFlight, receiver = max(c.InFlightBytes, 0), max(c.ReceiverQueuedBytes, 0)
	switch {
	case c.SenderQueuedBytes >= 0:
		unsent = max(c.SenderQueuedBytes-inFlight, 0)
	case c.SenderUnsentBytes >= 0:
		unsent = c.SenderUnsentBytes
	}
	return unsent, inFlight, receiver, max(c.AcceptedBytes-unsent-inFlight-receiver, 0)
}

// CapacityBars returns one bar per environment, transport, spec and
// method, in column order.
func (r *Report) CapacityBars() []CapacityBar {
	type key struct{ env, transport, behaviour, method string }
	groups := map[key][]Capacity{}
	var order []key
	for _, c := range r.Capacities {
		k := key{c.Env, c.Transport, c.Behaviour, c.Method}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	col := indexOf(r.Columns(), func(t Transport) string { return t.Name + "@" + t.Env })
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
		out = append(out, CapacityBar{Label: label, Samples: len(g), Capacity: g[len(g)/2]})
	}
	return out
}
