package suites

import (
	"slices"
	"strings"
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

// ginkgoOwn is the goroutine Ginkgo starts to copy a spec's captured
// output under -p, whenever it resumes intercepting.
var ginkgoOwn = goleak.IgnoreAnyFunction("github.com/onsi/ginkgo/v2/internal.(*genericOutputInterceptor).ResumeIntercepting.func1.1")

// withoutGinkgoPipe drops one new pipe (both of its ends) under ginkgo -p,
// where Ginkgo's output interceptor makes the next spec's capture pipe in
// the background while a spec runs (internal/output_interceptor.go
// startPipeFactory). A transport that leaks a single pipe goes unnoticed
// in parallel runs only; a serial run still catches it.
func withoutGinkgoPipe(leaked []string) []string {
	if suite, _ := GinkgoConfiguration(); suite.ParallelTotal <= 1 {
		return leaked
	}
	ends := map[string][]int{}
	for i, l := range leaked {
		if at := strings.Index(l, "(pipe:["); at >= 0 {
			ends[l[at:]] = append(ends[l[at:]], i)
		}
	}
	for _, idx := range ends {
		if len(idx) == 2 {
			return slices.Delete(slices.Delete(slices.Clone(leaked), idx[1], idx[1]+1), idx[0], idx[0]+1)
		}
	}
	return leaked
}

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
		if CurrentSpecReport().Failed() {
			return // a failed spec may abandon goroutines on purpose; its failure says why
		}
		Eventually(func() []string { return withoutGinkgoPipe(harness.TakeResources().LeakedSince(before)) }).
			WithTimeout(time.Second).WithPolling(10*time.Millisecond).Should(BeEmpty(), "leaked after the spec")
		if err := goleak.Find(goroutines, ginkgoOwn); err != nil {
			Fail("goroutines still running after the spec (leaked, or hung in a transport call that ignored Close): " + err.Error())
		}
	})
}
