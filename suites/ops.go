package suites

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/goroutine"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/units"
)

// OpBound bounds a single Read, Write or Close a spec expects to return.
const opBound = 2 * time.Second

// within runs op on the transport, failing the spec if it hangs past d or
// panics, and returns op's own error.
func within(d time.Duration, what string, op func() error) error {
	GinkgoHelper()
	busy, _ := pairBusy.Load().(bound.Busy)
	err := bound.WithinBusy(d, what, busy, specTimeEnds(), op)
	if bound.IsHung(err) || bound.IsPanic(err) {
		failNow(err.Error())
	}
	return err
}

// watch runs transfers under the harness's stall watchdog and fails the
// spec on the first error, naming what hung if nothing moved, or, shortly
// before the spec's timeout, what was still moving, how much had moved and
// how fast.
func (c *specRun) watch(progress *atomic.Int64, ops map[string]func() error) {
	GinkgoHelper()
	if err := c.watchErr(progress, ops); err != nil {
		failNow(err.Error())
	}
}

// watchErr is watch that returns what went wrong instead of failing.
func (c *specRun) watchErr(progress *atomic.Int64, ops map[string]func() error) error {
	ctx, cancel := context.WithDeadline(context.Background(), specTimeEnds())
	defer cancel()
	return bound.WatchBusy(ctx, progress, c.busy, ops)
}

// pairBusy is the running spec's busy, for within: a bound.Busy, set once
// its pair is open.
var pairBusy atomic.Value

// busy is the kernel's word that a transfer on the spec's pair that has
// stopped moving is still under way: TCP under either end recovering from
// a loss, which a lossy network path makes wait seconds for a backed-off
// retransmission timer.
func (c *specRun) busy() (string, bool) {
	for _, e := range []struct {
		name string
		conn net.Conn
	}{{"A", c.A}, {"B", c.B}} {
		if how, ok := kernel.Recovering(e.conn); ok {
			return e.name + "'s " + how, true
		}
	}
	return "", false
}

// setDeadline calls a deadline setter within OpBound and fails the spec
// if it returns an error: even a setter may hang on a hostile transport.
func setDeadline(what string, set func(time.Time) error, t time.Time) {
	GinkgoHelper()
	noError(within(opBound, what, func() error { return set(t) }), what)
}

// closeHung is set once a Close has hung in the running spec; open clears
// it. The spec's later Closes are skipped: it has failed already, and a
// transport whose Close never returns costs one bound.CloseTimeout a
// spec. (bound.CloseWithin shortens that for the transport's later
// specs.)
var closeHung atomic.Bool

// closeOne closes one endpoint of transport with bound.CloseWithin,
// records its time if it was slow, and returns Close's own error, or a
// HungError or PanicError. Close's own error fails no spec by itself: a
// Close may report that the peer had gone or that a close handshake timed
// out and still have closed; specs judge it by what the endpoint does
// afterwards.
func closeOne(transport, what string, c net.Conn) error {
	if closeHung.Load() {
		return fmt.Errorf("%s not called: an earlier Close in this spec hung", what)
	}
	t, err := bound.CloseWithin(transport, what, c.Close)
	recordClose(t)
	if t.Hung {
		closeHung.Store(true)
	}
	return err
}

// close closes one endpoint of the spec's pair as a step of a spec: it
// fails the spec if Close hangs or panics and returns Close's own error.
func (c *specRun) close(what string, conn net.Conn) error {
	GinkgoHelper()
	err := closeOne(c.Transport, what, conn)
	if bound.IsHung(err) || bound.IsPanic(err) {
		failNow(fmt.Sprintf("transport %s: %v", c.Transport, err))
	}
	return err
}

// recordClose attaches a Close that was slow, or hung, to the spec's
// report: the matrix shows how long it took (values close_ms).
func recordClose(t bound.CloseTime) {
	if t.Slow() || t.Hung {
		AddReportEntry(bound.EntryClose, t, ReportEntryVisibilityFailureOrVerbose)
	}
}

// closePair closes p, unless a Close already hung, and records slow Closes.
func closePair(p *pair.Pair) error {
	if closeHung.Load() {
		return fmt.Errorf("transport %s: pair not closed: an earlier Close hung", p.Transport)
	}
	err := p.Close()
	for _, t := range p.CloseTimes() {
		recordClose(t)
	}
	if bound.IsHung(err) {
		closeHung.Store(true)
	}
	return err
}

// closeAll closes pairs at once, so a transport whose Close hangs costs
// one bound.CloseTimeout, not one per pair.
func closeAll(pairs []*pair.Pair) error {
	errs := make([]error, len(pairs))
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Go(func() { errs[i] = closePair(p) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// readFull reads exactly len(p) bytes from c within d.
func readFull(c net.Conn, p []byte, d time.Duration, what string) error {
	GinkgoHelper()
	return within(d, what, readAll(c, p))
}

// readAll is a Read loop that fills p.
func readAll(c net.Conn, p []byte) func() error {
	return func() error {
		for got := 0; got < len(p); {
			n, err := c.Read(p[got:])
			got += n
			if err != nil && got < len(p) {
				return fmt.Errorf("after %d of %d bytes: %w", got, len(p), err)
			}
		}
		return nil
	}
}

// fill is a writer filling an endpoint whose reader has stopped.
type fill struct {
	vol      *pattern.Volume
	accepted atomic.Int64 // bytes of completed Writes, and what a timed-out Write reported
	done     chan error   // the writer's end
}

// Windows for telling that a writer has blocked. With kernel evidence, the
// descriptor stays unwritable for kernelQuiet. Without, the writer's
// goroutine stays parked without progress for a window that depends on
// what else could move (parkedFor); or, whatever the scheduler says, there
// is no progress for stillQuiet.
const (
	kernelQuiet = 2 * time.Millisecond
	stillQuiet  = 500 * time.Millisecond
	// slowPiece is how long one Write of a filling writer takes at most
	// on a slow transport: kcp-go's fresh pairs move 27.5 kB/s, so a 64
	// KiB Write took 2.4 s, and blocked three of them, past the spec's time.
	slowPiece = 100 * time.Millisecond
)

// fillUntilBlocked writes Pattern(seed) from c.A in Writes of chunk bytes,
// with c.B not reading, until the writer is blocked, and returns while its
// last Write is still pending. It fails the spec if more than
// BackpressureBound bytes go in. Blocked is taken from the kernel where the
// pair is a kernel transport (kernel.WriterBlocked: the writer's
// descriptor stays unwritable and the queues still, while a Write is in
// progress); elsewhere from the writer's goroutine parked without progress
// (parkedFor), or, failing that, from no progress for stillQuiet. A
// preempted writer is runnable and leaves kernel room behind, so neither
// mistakes it for a blocked one.
func fillUntilBlocked(c *specRun, seed uint64, chunk int) *fill {
	GinkgoHelper()
	byKernel := kernel.Probeable(c.Kind) && c.Can(harness.Descriptor)
	still, every := stillQuiet, time.Millisecond
	var parked parkedFor
	if !byKernel {
		if t := c.throughput(); t.Known() {
			// A slow transport gets Writes it moves in about slowPiece.
			chunk = min(chunk, max(1<<10, int(t.BytesPerSec*slowPiece.Seconds())))
		}
		parked = c.parkedFor(chunk)
		still = max(still, parked.busy)
		every = max(time.Millisecond, parked.calm/8)
	}
	f := &fill{vol: pattern.NewVolume(catalogue.BackpressureBound + 1), done: make(chan error, 1)}
	gid := make(chan uint64, 1)
	go func() {
		gid <- goroutine.ID()
		f.done <- pattern.SendVolume(c.A, seed, f.vol, &f.accepted, chunk)
	}()
	writer := <-gid
	ends := specTimeEnds()
	tick := time.NewTicker(every)
	defer tick.Stop()
	start := time.Now()
	last, moved := int64(-1), start
	for now := range tick.C {
		select {
		case err := <-f.done:
			if err == nil {
				Fail(fmt.Sprintf("all %s accepted without blocking: buffering is unbounded", units.Bytes(catalogue.BackpressureBound+1)))
			}
			Fail(fmt.Sprintf("the writer failed before blocking, after %s: %v", units.Bytes(f.accepted.Load()), err))
		default:
		}
		if now.After(ends) {
			n, d := f.accepted.Load(), now.Sub(start)
			Fail(fmt.Sprintf("the writer never blocked in the spec's time: %s accepted in %v (%s), still going",
				units.Bytes(n), d.Round(time.Millisecond), units.Rate(float64(n)/d.Seconds())))
		}
		if n := f.accepted.Load(); n != last {
			last, moved = n, now
			parked.reset()
			continue
		}
		if now.Sub(moved) >= still {
			return f // no evidence either way, but no progress for a long while
		}
		if byKernel {
			if f.vol.Claimed() > last {
				blocked, err := kernel.WriterBlocked(c.A, c.B, kernelQuiet)
				if err == nil && blocked && f.accepted.Load() == last {
					return f
				}
				if err != nil && !errors.Is(err, kernel.ErrNoDescriptor) {
					byKernel = false // this platform cannot poll: fall back
					parked = c.parkedFor(chunk)
				}
			}
			continue
		}
		if parked.blocked(now, writer) {
			return f
		}
	}
	return f
}

// parkedFor decides from the scheduler's evidence that a goroutine of the
// spec waiting on the transport (a Write, a Close) is blocked: it has been
// parked, without progress, for calm while nothing else in the process
// could move (goroutine.Still), or for busy whatever else could. When
// nothing can move, only an outside event can wake anything: a timer, a
// descriptor, a signal; calm is how long the transport's own pace lets
// such an event take: three Writes' time at its measured throughput, twice
// the longest silence it kept while moving bytes (a sender that flushes
// on a timer), and at least calmQuiet. While something can move it may be
// what the goroutine waits for, held back by a busy machine: busy is
// parkedQuiet where only the spec's goroutines and the kernel must run for
// it to go on, parkedQuietShared where another party must (a relay, a user
// transport's own goroutines), and at least as long as calm.
type parkedFor struct {
	calm, busy      time.Duration
	since, calmFrom time.Time // zero: not parked; not still
	self            uint64    // the goroutine that looks, left out of Still
}

const (
	calmQuiet         = 10 * time.Millisecond
	parkedQuiet       = 20 * time.Millisecond
	parkedQuietShared = 250 * time.Millisecond
)

// parkedFor returns the windows for a goroutine of the spec that waits in
// a Write of chunk bytes (or in a call that takes no longer).
func (c *specRun) parkedFor(chunk int) parkedFor {
	p := parkedFor{calm: calmQuiet, busy: parkedQuietShared, self: goroutine.ID()}
	if c.Kind == harness.KindMemory || c.Kind == harness.KindTLS || (kernel.Probeable(c.Kind) && c.Can(harness.Descriptor)) {
		p.busy = parkedQuiet
	}
	t := c.throughput()
	if !t.Known() {
		p.calm = p.busy // no pace to go by: a stalled probe, or none
		return p
	}
	three := time.Duration(3 * float64(min(chunk, 64<<10)) / t.BytesPerSec * float64(time.Second))
	p.calm = max(p.calm, three, 2*t.LongestGap)
	p.busy = max(p.busy, p.calm)
	return p
}

// blocked looks at the scheduler once, at now, and reports whether
// goroutine id has been parked long enough to count as blocked.
func (p *parkedFor) blocked(now time.Time, id uint64) bool {
	gs := goroutine.All()
	if !gs.Parked(id) {
		p.reset()
		return false
	}
	if p.since.IsZero() {
		p.since = now
	}
	switch {
	case !gs.Still(p.self):
		p.calmFrom = time.Time{}
	case p.calmFrom.IsZero():
		p.calmFrom = now
	}
	return !p.calmFrom.IsZero() && now.Sub(p.calmFrom) >= p.calm || now.Sub(p.since) >= p.busy
}

// reset forgets what was seen: the goroutine moved, or is another one.
func (p *parkedFor) reset() { p.since, p.calmFrom = time.Time{}, time.Time{} }

// doneOrParked waits for done, or until the goroutine id names (0: none
// yet, and id may change) counts as blocked by parked's evidence, or,
// whatever the scheduler says, for stillQuiet. It returns what done
// gave, if anything.
func doneOrParked[T any](done <-chan T, id *atomic.Uint64, parked parkedFor) (T, bool) {
	tick := time.NewTicker(max(time.Millisecond, parked.calm/8))
	defer tick.Stop()
	still := time.NewTimer(max(stillQuiet, parked.busy))
	defer still.Stop()
	var was uint64
	var none T
	for {
		select {
		case v := <-done:
			return v, true
		case <-still.C:
			return none, false
		case now := <-tick.C:
			g := id.Load()
			if g == 0 || g != was {
				was = g
				parked.reset()
				continue
			}
			if parked.blocked(now, g) {
				return none, false
			}
		}
	}
}
