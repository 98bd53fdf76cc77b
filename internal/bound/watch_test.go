package bound

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A transfer that stops moving is hung after Stall, unless busy says it is
// still under way below the transport: then it runs on, within its time.
func TestWatchBusy(t *testing.T) {
	for _, c := range []struct {
		name string
		busy Busy
		want func(error) bool
	}{
		{"nothing below it", nil, IsHung},
		{"the kernel retransmitting", func() (string, bool) { return "TCP is recovering from a loss", true }, func(err error) bool {
			var o *OutOfTimeError
			return errors.As(err, &o) && strings.Contains(err.Error(), "TCP is recovering from a loss")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stuck := make(chan struct{})
			defer close(stuck)
			ctx, cancel := context.WithTimeout(context.Background(), Stall+Stall/2)
			defer cancel()
			var progress atomic.Int64
			start := time.Now()
			err := WatchBusy(ctx, &progress, c.busy, map[string]func() error{"reads": func() error { <-stuck; return nil }})
			if !c.want(err) {
				t.Errorf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
			}
		})
	}
}
