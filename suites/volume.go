package suites

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/units"
)

// Volume-bound specs move as much as a fast transport moves in a blink (64
// MiB each way for integrity) and fit it to a slow one: what the transport
// moves in transferBudget at its measured throughput, never less than the
// spec's floor. A transport that stalls gets no rate and so the full volume:
// the stall watchdog then calls it hung, rather than the spec shrinking to
// what it manages before it stalls.
const (
	// transferBudget is the time a volume-bound transfer is fitted to;
	// spec timeouts leave it room several times over.
	transferBudget = 2 * time.Second
	// The throughput probe moves at most probeLimit bytes and counts them
	// in steps of probeStep for at most probeMax: a transport that moves
	// probeLimit within two steps is fast enough for every full volume
	// (8 MiB in 200 ms is 42 MB/s); one that moves nothing for two steps
	// while both ends wait on it is stalled, not slow.
	probeLimit = 8 << 20
	probeStep  = 100 * time.Millisecond
	probeMax   = 3 * time.Second
	// specMargin is how long before its timeout a spec's transfers give up
	// with what they moved, so that no spec ends in a bare spec timeout.
	specMargin = 750 * time.Millisecond
)

// throughputs holds each transport's measured throughput in this process.
var throughputs sync.Map // transport name -> measure.Throughput

// throughput measures c's transport once per process, on a pair of its own
// (so the spec's pair keeps its fresh buffers), and remembers it.
func (c *specRun) throughput() measure.Throughput {
	if t, ok := throughputs.Load(c.Transport); ok {
		return t.(measure.Throughput)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pair.Timeout)
	defer cancel()
	p, err := pair.Open(ctx, c.Tr)
	if err != nil {
		return measure.Throughput{} // unknown: full volumes; the spec finds out why
	}
	t := measure.MeasureThroughput(p.A, p.B, probeLimit, probeStep, probeMax)
	_ = closePair(p)
	throughputs.Store(c.Transport, t)
	return t
}

// fit returns the bytes a volume-bound transfer moves: full where the
// transport moves them within share of transferBudget, otherwise what it
// moves in that time, but at least floor. A fitted volume is recorded as an
// observation with the throughput behind it.
func (c *specRun) fit(what string, full, floor int64, share float64) int64 {
	t := c.throughput()
	if !t.Known() {
		return full
	}
	v := int64(t.BytesPerSec * share * transferBudget.Seconds())
	if v >= full {
		return full
	}
	v = max(v, floor)
	key := strings.ReplaceAll(strings.ToLower(what), " ", "_")
	c.Observe(fmt.Sprintf("%s fitted to %s: %s of %s", what, units.Rate(t.BytesPerSec), units.Short(v), units.Short(full)),
		map[string]any{"throughput_bytes_per_s": int64(t.BytesPerSec), key + "_bytes": v, key + "_full_bytes": full})
	return v
}

// specTimeEnds is when the running spec's transfers must give up: its
// SpecTimeout, less specMargin.
func specTimeEnds() time.Time {
	r := CurrentSpecReport()
	timeout := defaultTimeout
	for _, s := range specs {
		if s.b.ID == r.LeafNodeText {
			timeout = s.timeout()
		}
	}
	return r.StartTime.Add(timeout - specMargin)
}
