package suites

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"go.uber.org/goleak"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/goroutine"
	"github.com/streamspec/streamspec/internal/leaks"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/report"
)

// LeakCheck, when true (the default), fails a spec that leaves behind a
// descriptor, a goroutine or a probed resource (socket directory, network
// namespace) it did not have before its pair was opened. Each transport's
// baseline is taken after a warm-up pair, once per transport and process,
// so a library's process-wide pool started by its first Pair is not
// blamed on whichever spec runs first; declare goroutines a library starts
// later with harness.IgnoreGoroutines.
var leakCheck = true

// leakSettle bounds how long a passed spec's descriptors and goroutines
// may take to go while its goroutines are still moving: at once on an
// idle machine, but an oversubscribed one can keep a returning goroutine
// waiting for a CPU for hundreds of milliseconds.
const leakSettle = 2 * time.Second

// ginkgoGoroutines are the goroutines Ginkgo's output interceptor starts
// under -p each time it resumes intercepting (internal/output_interceptor.go
// ResumeIntercepting): in the baseline, unless the spec itself pauses and
// resumes interception.
var ginkgoGoroutines = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/onsi/ginkgo/v2/internal.(*genericOutputInterceptor).ResumeIntercepting.func1"),
	goleak.IgnoreAnyFunction("github.com/onsi/ginkgo/v2/internal.(*genericOutputInterceptor).ResumeIntercepting.func1.1"),
}

// Under ginkgo -p each process talks to the ginkgo command over TCP: one
// connection for its life (RPC), or new ones now and then
// (GINKGO_PARALLEL_PROTOCOL=HTTP). Those sockets are Ginkgo's.
func init() {
	leaks.RegisterDescriptorOwner("Ginkgo: connection to the parallel server", func(d leaks.OpenFD) bool {
		suite, _ := GinkgoConfiguration()
		host := strings.TrimPrefix(suite.ParallelHost, "http://")
		return d.Kind == "socket" && host != "" && d.Peer == host
	})
}

var (
	warmMu sync.Mutex
	warm   = map[string][]harness.Ability{} // transport name -> its warm-up pair's abilities
)

// openGuarded opens the spec's pair after taking the leak check's
// baseline, warming the transport up first. A spec that needs an ability
// the warm-up pair lacked opens nothing: lacking names the ability, and the
// spec is skipped with no pair whose leak a skip could hide.
func openGuarded(ctx context.Context, tr harness.Transport, needs []harness.Ability) (p *pair.Pair, lacking harness.Ability, err error) {
	abilities, err := warmUp(ctx, tr)
	if err != nil {
		return nil, "", err
	}
	if abilities != nil {
		for _, a := range needs {
			if !slices.Contains(abilities, a) {
				return nil, a, nil
			}
		}
	}
	guardLeaks(tr)
	p, err = pair.Open(ctx, tr)
	return p, "", err
}

// warmUp opens and closes the transport's first pairs, once per transport
// name and process, before the leak check's first baseline for it:
// whatever the transport's library starts once for the whole process on
// its first Pair (a worker pool, a timer goroutine, a shared socket) is
// then in every baseline, whichever spec runs first. It returns the
// abilities of a pair that opened. Two pairs open at once, each closed as
// soon as it opens: when both fail, the transport cannot open pairs at
// all (a proxy that is down, a wrong upstream address) and the error is a
// *firstPairsFailed, which stops its specs (see stop); when one opens, a
// failure of the other is left to the specs. A warm-up whose pairs did
// not close is retried by the next spec; its error is the spec's.
func warmUp(ctx context.Context, tr harness.Transport) ([]harness.Ability, error) {
	warmMu.Lock()
	defer warmMu.Unlock()
	if abilities, ok := warm[tr.Name()]; ok {
		return abilities, nil
	}
	type opened struct {
		abilities         []harness.Ability
		openErr, closeErr error
	}
	var first [2]opened
	var wg sync.WaitGroup
	for i := range first {
		wg.Go(func() {
			p, err := pair.Open(ctx, tr)
			if err != nil {
				first[i].openErr = err
				return
			}
			first[i].abilities, first[i].closeErr = p.Abilities(), closePair(p)
		})
	}
	wg.Wait()
	for _, o := range first {
		if o.openErr == nil && o.closeErr != nil {
			return nil, fmt.Errorf("closing a warm-up pair (opened once before the leak check's first baseline): %w", o.closeErr)
		}
	}
	for _, o := range first {
		if o.openErr == nil {
			warm[tr.Name()] = o.abilities
			return o.abilities, nil
		}
	}
	for _, o := range first {
		if _, ok := pair.IsUnavailable(o.openErr); ok {
			return nil, o.openErr
		}
	}
	return nil, &firstPairsFailed{first[0].openErr, first[1].openErr}
}

// guardLeaks snapshots the process before a spec opens its pair and
// registers a cleanup, run after the pair's own, that fails the spec with
// what leaked. Descriptors that the runtime and Ginkgo own are identified,
// not counted: standard streams and the runtime's splice pipes by
// leaks.TakeResources, Ginkgo's next capture pipe by waiting for its
// pipe factory to have made it before the baseline.
func guardLeaks(tr harness.Transport) {
	if !leakCheck {
		return
	}
	capture := ginkgoCapturePipe()
	before := leaks.TakeResources()
	ignore := append([]goleak.Option{goleak.IgnoreCurrent()}, ginkgoGoroutines...)
	ignore = append(ignore, tr.Traits().IgnoreGoroutines...)
	goroutines := goroutine.All()
	DeferCleanup(func() {
		if CurrentSpecReport().Failed() {
			return // a failed spec may abandon goroutines on purpose; its failure says why
		}
		// What a passed spec leaves behind may still be going: goroutines
		// returning, closing descriptors. Wait while one of the spec's
		// goroutines can still move, not a fixed time: on a busy machine it
		// may wait long for a CPU, and a leak, parked for good, is reported
		// at once, within the spec's own time.
		// Each look notes first whether anything can still move, then
		// what is left: what nothing could still release is final.
		// Nothing moving is not yet final while a goroutine the spec
		// started is alive: a library may release a descriptor from a
		// timer, which no goroutine's state shows (quic-go keeps a closed
		// connection's IDs for 3 PTO, then its time.AfterFunc wakes the
		// parked listener, which closes the UDP socket: transport.go,
		// ReplaceWithClosed). goleak.Find waits, with its own retries, for
		// those goroutines to end; what is still held once none is left
		// is final.
		var leaked []string
		ownersGone := false
		waitFor(leakSettle, func() bool {
			moving := goroutine.Settling(goroutines)
			leaked = leakedSince(before, capture)
			switch {
			case len(leaked) == 0 || ownersGone && !moving:
				return true
			case !moving:
				ownersGone = goleak.Find(ignore...) == nil
			}
			return false
		})
		holds(len(leaked) == 0, "leaked after the spec: %s", strings.Join(leaked, ", "))
		var err error
		waitFor(leakSettle, func() bool {
			moving := goroutine.Settling(goroutines)
			err = goleak.Find(ignore...)
			return err == nil || !moving
		})
		if err != nil {
			Fail("goroutines still running after the spec (leaked, or hung in a transport call that ignored Close): " + err.Error())
		}
	})
}

// leakedSince is what the process holds that it did not before the spec.
// If Ginkgo swapped its capture pipe during the spec (the spec paused and
// resumed output interception), its pipe factory has made one more pipe
// that nothing else identifies: one new pipe pair is left out as that
// pipe, and the message says so if something else leaked.
func leakedSince(before leaks.Resources, capture string) []string {
	now := leaks.TakeResources()
	leaked := now.LeakedSince(before)
	if capture == "" || stdoutID(now) == capture {
		return leaked
	}
	_ = waitGinkgoPipeFactory()
	now = leaks.TakeResources()
	leaked = now.LeakedSince(before)
	ends := map[string][]string{}
	for _, d := range now.NewSince(before) {
		if d.Kind == "pipe" {
			ends[d.ID] = append(ends[d.ID], d.String())
		}
	}
	for _, pair := range ends {
		if len(pair) == 2 {
			var rest []string
			for _, l := range leaked {
				if l != pair[0] && l != pair[1] {
					rest = append(rest, l)
				}
			}
			if len(rest) > 0 {
				rest = append(rest, "(Ginkgo swapped its capture pipe during the spec: one new pipe pair, left out, is its next one)")
			}
			return rest
		}
	}
	return leaked
}

// ginkgoCapturePipe waits, under ginkgo -p, until Ginkgo's output
// interceptor has made the capture pipe for its next spec, and returns
// the identity of the one stdout points to now; "" when Ginkgo
// intercepts nothing. What it found is recorded in the spec's report
// (EntryLeakCheck).
//
// Under -p Ginkgo points stdout and stderr at a pipe for each spec and
// makes the next spec's pipe in the background: startPipeFactory
// (internal/output_interceptor.go) loops on os.Pipe, then blocks in a
// select offering the pair on an unbuffered channel. The pair is made
// right after a spec takes the previous one, so on a busy machine it can
// appear after the baseline. Waiting for the factory to block in its
// select puts it in the baseline, identified by when it was made.
func ginkgoCapturePipe() string {
	if suite, _ := GinkgoConfiguration(); suite.ParallelTotal <= 1 || suite.OutputInterceptorMode == "none" {
		return ""
	}
	start := time.Now()
	state := waitGinkgoPipeFactory()
	AddReportEntry(report.EntryLeakCheck, map[string]any{"ginkgo_pipe_factory": state, "waited_us": time.Since(start).Microseconds()},
		ReportEntryVisibilityNever)
	return stdoutID(leaks.TakeResources())
}

func stdoutID(r leaks.Resources) string {
	for _, d := range r.Descriptors() {
		if d.FD == 1 {
			return d.ID
		}
	}
	return ""
}

// ginkgoPipeFactory is the function of the goroutine that makes Ginkgo's
// capture pipes (Ginkgo v2, internal/output_interceptor.go).
var ginkgoPipeFactory = "github.com/onsi/ginkgo/v2/internal.startPipeFactory("

// waitGinkgoPipeFactory waits, up to leakSettle, until no goroutine runs
// Ginkgo's pipe factory or it is blocked in its select, the only place it
// blocks, with its next pipe made; it says which.
func waitGinkgoPipeFactory() string {
	state := "not found"
	waitFor(leakSettle, func() bool {
		gs := goroutine.In(ginkgoPipeFactory)
		switch {
		case len(gs) == 0:
			state = "not found"
		case gs[0].State == "select" || strings.HasPrefix(gs[0].State, "select,"): // "select, 2 minutes"
			state = "parked"
		default:
			state = "not parked"
		}
		return state != "not parked"
	})
	return state
}
