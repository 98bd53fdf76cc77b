package pair

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// A Pair that gives up when its context ends has its own error reported,
// however late in the bound it comes; one that ignores its context is
// reported hung, Grace after the bound.
func TestOpenBound(t *testing.T) {
	never := make(chan struct{}) // closed when the test ends: the abandoned Pair returns then
	defer close(never)
	for _, c := range []struct {
		name string
		pair harness.PairFunc
		says string
	}{
		{"honours its context", func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			<-ctx.Done()
			return nil, nil, nil, fmt.Errorf("no upstream connection arrived: %w", ctx.Err())
		}, "Pair failed: no upstream connection arrived: context deadline exceeded"},
		{"ignores its context", func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			<-never
			return nil, nil, nil, errors.New("too late")
		}, "Pair did not return within 2s, nor 500ms after its context ended: hung"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := Open(t.Context(), harness.New("t", harness.Traits{}, c.pair))
			took := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("Open: %v; want an error saying %q", err, c.says)
			}
			if took > Timeout+Grace+time.Second {
				t.Errorf("Open took %v", took)
			}
		})
	}
}
