package netns_test

import (
	"flag"
	"os"
	"strconv"
	"testing"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports/netns"
)

// lossEnv sets the one loss TestLossyPath runs, in percent (default: 1
// and 5).
const lossEnv = "STREAMSPEC_NETNS_LOSS"

// TestLossyPath runs the contract over the built-in path with 1 % and 5 %
// of the packets dropped at random each way (nftables, Path.Loss): slow
// is not hung, so every rule holds. -ginkgo.label-filter runs other specs
// instead (observed: in-flight, capacity-vs-path).
func TestLossyPath(t *testing.T) {
	losses := []float64{1, 5}
	if v := os.Getenv(lossEnv); v != "" {
		loss, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", lossEnv, v, err)
		}
		losses = []float64{loss}
	}
	if f := flag.Lookup("ginkgo.label-filter"); f != nil && f.Value.String() == "" {
		if err := flag.Set("ginkgo.label-filter", "contract"); err != nil {
			t.Fatal(err)
		}
	}
	var trs []harness.Transport
	for _, loss := range losses {
		p := netns.Default().Path()
		p.Loss = loss
		trs = append(trs, netns.New("netns-loss-"+strconv.FormatFloat(loss, 'g', -1, 64)+"%", p))
	}
	suites.Run(t, trs...)
}
