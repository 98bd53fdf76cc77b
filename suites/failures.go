package suites

import (
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/iorule"
	"github.com/streamspec/streamspec/internal/pattern"
)

// A spec's failure message starts with streamspec's diagnosis, in the
// words of the transport's author: what the transport did, against what
// the rule wants. Specs fail through these, never through a Gomega
// assertion, whose message starts with its own framing ("Timed out
// after", "Expected", a value dump) and puts the cause further down.

// failf fails the spec with the diagnosis as its first line (while the
// spec repeats, the run: see repeat).
func failf(format string, args ...any) {
	GinkgoHelper()
	failNow(fmt.Sprintf(format, args...))
}

// holds fails the spec with the diagnosis unless cond holds.
func holds(cond bool, format string, args ...any) {
	GinkgoHelper()
	if !cond {
		failf(format, args...)
	}
}

// noError fails the spec with what, then err, when err is not nil; with
// err alone when what is "" (err says it all). A Read or Write that broke
// its interface's rule is the cause whatever it ended: it comes first.
func noError(err error, what string) {
	GinkgoHelper()
	var broken *iorule.Broken
	switch {
	case err == nil:
	case errors.As(err, &broken) && what != "":
		failf("%v, while %s", broken, what)
	case what == "":
		failf("%v", err)
	default:
		failf("%s: %v", what, err)
	}
}

// await waits up to d for ch to deliver and returns the value; when
// nothing comes it fails the spec: hung says what did not return.
func await[T any](ch <-chan T, d time.Duration, hung string) T {
	GinkgoHelper()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case v := <-ch:
		return v
	case <-t.C:
		failf("%s: no return within %v", hung, d)
		panic("unreachable")
	}
}

// sameBytes fails the spec unless got is want, naming the first byte that
// differs or how much is missing: what says which bytes these are.
func sameBytes(got, want []byte, what string) {
	GinkgoHelper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			failf("%s: %v", what, &pattern.MismatchError{Offset: int64(i), Total: int64(len(want)), Got: got[i], Want: want[i]})
		}
	}
	holds(len(got) == len(want), "%s: %d bytes, want %d", what, len(got), len(want))
}
