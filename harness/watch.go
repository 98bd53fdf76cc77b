package harness

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Stall is how long a transfer may make no progress before the harness
// calls it hung.
const Stall = 2 * time.Second

// Watch runs ops concurrently, each counting the bytes it moves in
// progress, and returns the first error, or nil when all succeed. It gives up with a HungError when progress stays still for
// Stall, naming what was still running: a slow transport passes, a stuck one
// costs seconds. The caller must close the endpoints on error, which ends
// the abandoned goroutines of a well-behaved transport.
func Watch(progress *atomic.Int64, ops map[string]func() error) error {
	type done struct {
		name string
		err  error
	}
	ch := make(chan done, len(ops))
	running := make(map[string]bool, len(ops))
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
	last, still := progress.Load(), time.Now()
	for len(running) > 0 {
		select {
		case d := <-ch:
			delete(running, d.name)
			if d.err != nil {
				return fmt.Errorf("%s: %w", d.name, d.err)
			}
		case now := <-tick.C:
			if p := progress.Load(); p != last {
				last, still = p, now
			} else if now.Sub(still) >= Stall {
				return &HungError{Op: fmt.Sprintf("%s (no progress after %d bytes)", strings.Join(keys(running), ", "), p), After: Stall}
			}
		}
	}
	return nil
}

func keys(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}
