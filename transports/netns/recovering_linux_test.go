package netns_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/transports"
	"github.com/streamspec/streamspec/transports/netns"
)

// The kernel's word that a stalled transfer is still under way: with a
// tenth of the packets dropped, a writer's TCP is soon seen recovering
// from a loss (kernel.Recovering), which the specs' bounds wait on; over
// loopback, where nothing is lost, it never is.
func TestRecoveringSeesLoss(t *testing.T) {
	lossy := netns.Default().Path()
	lossy.Loss = 10
	for _, c := range []struct {
		tr   harness.Transport
		want bool
	}{{netns.New("netns-10%", lossy), true}, {transports.TCP4(), false}} {
		a, b, stop, err := c.tr.Pair(context.Background())
		var u *harness.Unavailable
		if errors.As(err, &u) {
			t.Skip(u.Reason)
		}
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = io.Copy(io.Discard, b) }() // both end when the pair is closed
		go func() {
			for buf := make([]byte, 64<<10); ; {
				if _, err := a.Write(buf); err != nil {
					return
				}
			}
		}()
		seen, how := false, ""
		for deadline := time.Now().Add(3 * time.Second); !seen && time.Now().Before(deadline); {
			how, seen = kernel.Recovering(a)
			if !seen {
				time.Sleep(time.Millisecond) // polling a kernel counter that has no event to wait on
			}
		}
		a.Close()
		b.Close()
		if stop != nil {
			stop()
		}
		if seen != c.want {
			t.Errorf("%s: Recovering = %v (%s), want %v", c.tr.Name(), seen, how, c.want)
		}
		t.Logf("%s: %v %s", c.tr.Name(), seen, how)
	}
}
