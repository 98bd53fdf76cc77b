package bound

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/streamspec/streamspec/internal/units"
)

// Stall is how long a transfer may make no progress before the harness
// calls it hung.
const Stall = 2 * time.Second

// Watch runs ops concurrently, each counting the bytes it moves in
// progress, and returns the first error, or nil when all succeed. It gives
// up with a HungError when progress stays still for Stall, naming what was
// still running: a slow transport passes, a stuck one costs seconds. The
// caller must close the endpoints on error, which ends the abandoned
// goroutines of a well-behaved transport.
func Watch(progress *atomic.Int64, ops map[string]func() error) error {
	return WatchContext(context.Background(), progress, ops)
}

// WatchContext is Watch that also gives up when ctx ends, with an
// OutOfTimeError that says what was running, how many bytes moved and how
// fast: a transport too slow for the volume is told apart from a stuck one.
func WatchContext(ctx context.Context, progress *atomic.Int64, ops map[string]func() error) error {
	return WatchBusy(ctx, progress, nil, ops)
}

// Busy says whether a transfer that has not moved for Stall is still under
// way below the transport, and how: TCP retransmitting after a loss, whose
// timer backs off to seconds. nil knows nothing.
type Busy func() (how string, busy bool)

// WatchBusy is WatchContext that asks busy before it calls a still
// transfer hung: while busy says the transfer is under way, it waits on,
// within ctx.
func WatchBusy(ctx context.Context, progress *atomic.Int64, busy Busy, ops map[string]func() error) error {
	type done struct {
		name string
		err  error
	}
	ch := make(chan done, len(ops))
	running := make(map[string]bool, len(ops))
	start, first := time.Now(), progress.Load()
	for name, op := range ops {
		running[name] = true
		go func() {
			defer func() {
				if v := recover(); v != nil {
					ch <- done{name, &PanicError{Op: name, Value: v}}
				}
			}()
			ch <- done{name, op()}
		}()
	}
	tick := time.NewTicker(Stall / 4)
	defer tick.Stop()
	last, still := first, start
	var under string // what busy said last, while nothing moved
	for len(running) > 0 {
		select {
		case d := <-ch:
			delete(running, d.name)
			if d.err != nil {
				return fmt.Errorf("%s: %w", d.name, d.err)
			}
		case <-ctx.Done():
			return &OutOfTimeError{Ops: keys(running), Moved: progress.Load() - first, Elapsed: time.Since(start), Under: under}
		case now := <-tick.C:
			p := progress.Load()
			if p != last {
				last, still, under = p, now, ""
				continue
			}
			if now.Sub(still) < Stall {
				continue
			}
			if how, ok := busyNow(busy); ok {
				still, under = now, how
				continue
			}
			return &HungError{Op: fmt.Sprintf("%s (no progress after %s)", strings.Join(keys(running), ", "), units.Bytes(p)), After: Stall}
		}
	}
	return nil
}

// busyNow asks busy, if there is one.
func busyNow(busy Busy) (string, bool) {
	if busy == nil {
		return "", false
	}
	return busy()
}

// OutOfTimeError reports a transfer that was still moving, or still under
// way below the transport, when its time ran out: too slow for its volume,
// not stuck.
type OutOfTimeError struct {
	Ops     []string // what was still running
	Moved   int64    // bytes counted while it ran
	Elapsed time.Duration
	Under   string // what Busy said, when nothing had moved for Stall
}

func (e *OutOfTimeError) Error() string {
	s := fmt.Sprintf("%s still running when the spec's time ran out: %s moved in %v (%s)",
		strings.Join(e.Ops, ", "), units.Bytes(e.Moved), e.Elapsed.Round(time.Millisecond), units.Rate(float64(e.Moved)/e.Elapsed.Seconds()))
	if e.Under != "" {
		return s + ", nothing moving for a while but " + e.Under + ": too slow for this volume"
	}
	return s + ", still moving: too slow for this volume"
}

func keys(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}
