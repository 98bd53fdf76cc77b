package suites

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/streamspec/streamspec/harness"
)

// LeakCheck, when true (the default), fails a spec that leaves behind a
// descriptor, a goroutine or a probed resource (socket directory, network
// namespace) it did not have before its pair was opened.
var LeakCheck = true

// guardLeaks snapshots the process before a spec opens its pair and
// registers a cleanup, run after the pair's own, that fails the spec with
// what leaked.
func guardLeaks() {
	if !LeakCheck {
		return
	}
	before := harness.TakeResources()
	goroutines := goleak.IgnoreCurrent()
	DeferCleanup(func() {
		Eventually(func() []string { return harness.TakeResources().LeakedSince(before) }).
			WithTimeout(time.Second).WithPolling(10*time.Millisecond).Should(BeEmpty(), "leaked after the spec")
		if err := goleak.Find(goroutines); err != nil {
			Fail("goroutines leaked after the spec: " + err.Error())
		}
	})
}
