package suites

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/suites/internal/checkos"
)

// RepeatEnv names the environment variable that sets how many times the
// racy specs run; the -streamspec.repeat flag overrides it.
const repeatEnv = "STREAMSPEC_REPEAT"

var repeatFlag = flag.Int("streamspec.repeat", 0,
	"how many times the close, half-close, reply-after-silence, reset and lifetimes specs run, each on a fresh pair (default 1); also $"+repeatEnv)

// repeats is how many times the racy specs run: the flag, else the
// environment, else once. A bad value is reported by the first racy spec.
func repeats() (int, error) {
	if *repeatFlag > 0 {
		return *repeatFlag, nil
	}
	v := os.Getenv(repeatEnv)
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 1, fmt.Errorf("%s=%q: want a count of runs such as 5", repeatEnv, v)
	}
	return n, nil
}

// racy are the specs whose outcome through a relay can depend on a race in
// the relay (which of two events its loop sees first), so that one run
// that passes proves little: with repeats they run that many times, each
// on a fresh pair, and a failure in any run fails the spec. Concurrent
// specs mostly wait, so their runs go at once and cost one run's time;
// the others run one after another. lifetimes repeats by itself (its
// scenarios share one horizon). Failed says what a failing run did, when
// every failure says so (loss marks those messages).
var racy = map[string]struct {
	concurrent bool
	failed     string
	loss       []string
}{
	catalogue.HalfClose.ID:        {},
	catalogue.GracefulClose.ID:    {},
	catalogue.HalfCloseSilence.ID: {concurrent: true, failed: "lost the reply", loss: []string{"was lost", "could not reply"}},
	catalogue.CloseUnread.ID:      {},
	catalogue.AbortiveClose.ID:    {},
	catalogue.AbortiveCloseByA.ID: {},
}

// repeatedTimeout is a racy spec's timeout for n runs of base each.
func repeatedTimeout(id string, base time.Duration) time.Duration {
	r, ok := racy[id]
	n, _ := repeats()
	switch {
	case !ok || n == 1:
		return base
	case r.concurrent:
		return base + pair.Timeout + pair.Grace // the other pairs open first, at once
	}
	return time.Duration(n) * base
}

// runRecord is what one run of a repeated spec did.
type runRecord struct {
	failure      string // its failure message; "" if it passed
	observations []observation
	outcome      *observation // the categorical outcome it recorded, if any
	hint         string       // the setting that governs its failure
	other        any          // a panic that is not a run's failure (Ginkgo's own Fail or Skip, a bug)
}

type observation struct {
	summary string
	values  map[string]any
	checked bool // recorded by Outcome: checked against the expectations
}

// runFailure is how failf ends one run of a repeated spec: the spec goes
// on with the next run.
type runFailure struct{ msg string }

// repeating is set while a repeated spec's runs go: failf then ends the
// run instead of the spec.
var repeating atomic.Bool

// failNow fails the spec, or, while a spec repeats, the run.
func failNow(msg string) {
	GinkgoHelper()
	if repeating.Load() {
		panic(runFailure{msg})
	}
	Fail(msg)
}

// capture runs one run's body and records how it ended.
func (r *runRecord) capture(body func()) {
	defer func() {
		switch v := recover().(type) {
		case nil:
		case runFailure:
			r.failure = v.msg
		case observationEnded: // its outcome is recorded
		default:
			r.other = v
		}
	}()
	body()
}

// repeat runs s's body n times, the first on c's pair, each other on a
// fresh pair of its own, and records them as one result: a failure in any
// run fails the spec, with how many failed; outcomes that differ between
// runs are recorded with how often each came.
func repeat(ctx SpecContext, c *specRun, s spec, n int) {
	GinkgoHelper()
	runs := make([]*runRecord, n)
	pairs := make([]*pair.Pair, n)
	pairs[0] = c.Pair
	openErrs := make([]error, n)
	DeferCleanup(func() { _ = closeAll(slicesNonNil(pairs[1:])) }) // those still open if a run was abandoned
	open := func(i int) {
		if i > 0 {
			pairs[i], openErrs[i] = pair.Open(ctx, c.Tr)
		}
	}
	run := func(i int) {
		runs[i] = &runRecord{}
		if openErrs[i] != nil {
			runs[i].failure = "opening the run's pair: " + openErrs[i].Error()
			return
		}
		rc := &specRun{Pair: pairs[i], Tr: c.Tr, b: c.b, rep: runs[i]}
		runs[i].capture(func() {
			rc.Require(c.b.Needs...)
			s.body(ctx, rc)
		})
		if i > 0 && runs[i].other == nil {
			if err := closePair(pairs[i]); err != nil && runs[i].failure == "" {
				runs[i].failure = "closing the run's pair: " + err.Error()
			}
		}
	}
	repeating.Store(true)
	if racy[s.b.ID].concurrent {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { open(i) })
		}
		wg.Wait()
		for i := range n {
			wg.Go(func() { run(i) })
		}
		wg.Wait()
	} else {
		for i := range n {
			open(i)
			run(i)
		}
	}
	repeating.Store(false)
	c.record(runs)
}

// record turns the runs into the spec's result.
func (c *specRun) record(runs []*runRecord) {
	GinkgoHelper()
	n := len(runs)
	var failed []int
	for i, r := range runs {
		if r.failure != "" {
			failed = append(failed, i)
		}
	}
	if i := slices.IndexFunc(runs, func(r *runRecord) bool { return r.other != nil }); i >= 0 {
		AddReportEntry("runs", fmt.Sprintf("run %d of %d ended the spec; %d of the runs before it failed", i+1, n, len(failed)),
			ReportEntryVisibilityFailureOrVerbose)
		panic(runs[i].other) // Ginkgo's own Fail or Skip, which it has recorded: the spec ends as it says
	}
	for _, o := range runs[0].observations {
		c.Observe(o.summary, o.values)
	}
	c.recordOutcomes(runs)
	if len(failed) == 0 {
		return
	}
	first := runs[failed[0]]
	if first.hint != "" {
		c.setting(first.hint)
	}
	what := "failed"
	if r := racy[c.b.ID]; r.failed != "" && !slices.ContainsFunc(failed, func(i int) bool {
		return !slices.ContainsFunc(r.loss, func(m string) bool { return strings.Contains(runs[i].failure, m) })
	}) {
		what = r.failed
	}
	msg := fmt.Sprintf("%s in %d of %d runs, each on a fresh pair; run %d: %s", what, len(failed), n, failed[0]+1, first.failure)
	seen := []string{firstLine(first.failure)}
	for _, i := range failed[1:] {
		if l := firstLine(runs[i].failure); !slices.Contains(seen, l) {
			seen = append(seen, l)
			msg += fmt.Sprintf("\nrun %d: %s", i+1, l)
		}
	}
	Fail(msg)
}

// recordOutcomes records the runs' outcomes as one: the outcome itself
// when every run gave it, else each with how many runs gave it. Each
// outcome is checked against the expectations as a run's would be.
func (c *specRun) recordOutcomes(runs []*runRecord) {
	GinkgoHelper()
	var order []string
	count := map[string]int{}
	summaries := map[string]string{}
	var first *observation
	checked := false
	for _, r := range runs {
		if r.outcome == nil {
			continue
		}
		o, _ := r.outcome.values["outcome"].(string)
		if count[o] == 0 {
			order = append(order, o)
			summaries[o] = r.outcome.summary
		}
		count[o]++
		if first == nil {
			first = r.outcome
		}
		checked = checked || r.outcome.checked
	}
	if first == nil {
		return
	}
	values := map[string]any{}
	for k, v := range first.values {
		values[k] = v
	}
	values["runs"] = len(runs)
	outcome, summary := order[0], summaries[order[0]]
	if len(order) > 1 {
		var outcomes, cells []string
		for _, o := range order {
			outcomes = append(outcomes, fmt.Sprintf("%s (%d of %d runs)", o, count[o], len(runs)))
			cells = append(cells, fmt.Sprintf("%s (%d of %d runs)", summaries[o], count[o], len(runs)))
		}
		outcome, summary = strings.Join(outcomes, " | "), strings.Join(cells, " | ")
		values["outcomes"] = outcomes
	} else {
		summary += fmt.Sprintf(" (all %d runs)", len(runs))
	}
	values["outcome"] = outcome
	c.Observe(summary, values)
	if !checked {
		return
	}
	var checks []expect.Check
	for _, o := range order {
		if check, ok := expect.CheckOutcome(c.b.ID, c.Transport, c.Kind, checkos.GOOS, o); ok {
			check.Detail = summaries[o]
			checks = append(checks, check)
		}
	}
	c.expect(checks...)
}

// firstLine is s's first line.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// openMore opens n more pairs of c's transport at once, for a spec that
// runs several connections side by side; the spec's cleanup closes them.
func openMore(ctx context.Context, c *specRun, n int) ([]*pair.Pair, []error) {
	pairs, errs := make([]*pair.Pair, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { pairs[i], errs[i] = pair.Open(ctx, c.Tr) })
	}
	wg.Wait()
	DeferCleanup(func() { _ = closeAll(slicesNonNil(pairs)) })
	return pairs, errs
}
