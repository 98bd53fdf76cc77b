package suites

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/proxies"
	"github.com/streamspec/streamspec/internal/units"
)

// HorizonEnv names the environment variable that sets how long the
// lifetimes spec watches its connections, e.g. STREAMSPEC_HORIZON=90s to
// see a proxy's 50 s timeouts; the -streamspec.horizon flag overrides it.
const horizonEnv = "STREAMSPEC_HORIZON"

// DefaultHorizon is the lifetimes spec's horizon in the matrix.
const defaultHorizon = 3 * time.Second

var horizonFlag = flag.Duration("streamspec.horizon", 0,
	"how long the lifetimes spec watches half-closed and idle connections (default 3s); also $"+horizonEnv)

// horizon is the lifetimes spec's horizon: the flag, else the environment,
// else DefaultHorizon.
func horizon() (time.Duration, error) {
	if *horizonFlag > 0 {
		return *horizonFlag, nil
	}
	v := os.Getenv(horizonEnv)
	if v == "" {
		return defaultHorizon, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return defaultHorizon, fmt.Errorf("%s=%q: want a positive duration such as 90s", horizonEnv, v)
	}
	return d, nil
}

// lifetimeSetup bounds what the lifetimes spec does besides watching: two
// more pairs, an exchange and a half-close before, proof bytes after.
const lifetimeSetup = pair.Timeout + pair.Grace + 4*opBound

// How long a half-closed connection (A half-closed; B half-closed) and an
// idle one survive, up to the horizon. The three run at once on three
// pairs, so the horizon is paid once. Each first carries a byte each way;
// then the closer half-closes and its peer reads EOF. From then on every
// end that can still receive has a Read pending, which sees a cut as it
// happens: EOF, or RST (ECONNRESET). At the horizon the other end writes,
// and the pending Read getting those bytes proves the connection alive.
// A kernel stream keeps them all; a proxy's idle or FIN timeout cuts them.
// Outcome: "A half-closed: <fate>; B half-closed: <fate>; idle: <fate>",
// a fate being "survived", "cut: RST" (an end saw a reset), "cut: EOF"
// or "cut: lost" (found only at the horizon); the cell adds when and
// what each end saw. With repeats (-streamspec.repeat) each scenario runs
// that many times, all at once, and a fate that differs between runs is
// given with how often each came. A scenario that cannot be set up (its
// pair does not open, its half-close does not arrive) fails the spec,
// naming it, after the rows of the others are recorded.
var _ = behaviourBounded(catalogue.Lifetimes, func() time.Duration { h, _ := horizon(); return h + lifetimeSetup }, func(ctx SpecContext, c *specRun) {
	h, err := horizon()
	noError(err, "")
	n, err := repeats()
	noError(err, "")
	more, openErrs := openMore(ctx, c, 3*n-1)
	pairs, errs := append([]*pair.Pair{c.Pair}, more...), append([]error{nil}, openErrs...)
	scenarios := make([]lifetime, 3*n)
	var wg sync.WaitGroup
	for i := range scenarios {
		scenarios[i] = lifetime{name: lifetimeNames[i%3], closer: []string{"A", "B", ""}[i%3], p: pairs[i]}
		if errs[i] != nil {
			scenarios[i].err = fmt.Errorf("opening its pair: %w", errs[i])
			continue
		}
		wg.Go(func() { scenarios[i].watch(ctx, h) })
	}
	wg.Wait()

	var outcome, cells, broken []string
	values := map[string]any{"horizon_s": h.Seconds()}
	if n > 1 {
		values["runs"] = n
	}
	for i, name := range lifetimeNames {
		var runs []lifetime
		for j := i; j < len(scenarios); j += 3 {
			runs = append(runs, scenarios[j])
		}
		fate, cell := lifetimeRow(runs)
		outcome = append(outcome, name+": "+fate)
		cells = append(cells, name+": "+cell)
		key := strings.ReplaceAll(name, " ", "_")
		values[key] = cell
		values[key+"_s"] = runs[0].after.Seconds()
		for _, r := range runs {
			if r.err != nil {
				broken = append(broken, fmt.Sprintf("%s: %v", name, r.err))
				break
			}
		}
		if kind := c.Tr.Traits().Proxy; proxies.Known(kind) && strings.HasPrefix(fate, "cut") {
			values[key+"_setting"] = proxies.Hint(proxies.Kind(kind), lifetimeCuts[i], runs[0].after)
		}
	}
	if len(broken) > 0 {
		values["outcome"] = strings.Join(outcome, "; ")
		c.Observe(groupCells(cells), values)
		failf("%s (recorded: %s)", strings.Join(broken, "; "), strings.Join(outcome, "; "))
	}
	c.Outcome(strings.Join(outcome, "; "), groupCells(cells), values)
})

// The lifetimes spec's scenarios, and the cut each one's fate shows.
var (
	lifetimeNames = []string{"A half-closed", "B half-closed", "idle"}
	lifetimeCuts  = []proxies.Cut{proxies.ClientHalfClosedCut, proxies.ServerHalfClosedCut, proxies.IdleCut}
)

// lifetimeRow is one scenario's fate and cell over its runs: as they are
// when the runs agree (or there is one), else each fate with how many
// runs had it. A run that could not be set up has the fate "failed".
func lifetimeRow(runs []lifetime) (fate, cell string) {
	var order []string
	count := map[string]int{}
	for _, r := range runs {
		f := r.fate
		if r.err != nil {
			f = "failed"
		}
		if count[f] == 0 {
			order = append(order, f)
		}
		count[f]++
	}
	first := runs[0]
	cell = first.cell
	if first.err != nil {
		cell = "failed: " + first.err.Error()
	}
	if len(order) == 1 {
		if len(runs) > 1 {
			cell += fmt.Sprintf(" (all %d runs)", len(runs))
		}
		return order[0], cell
	}
	var fates []string
	for _, f := range order {
		fates = append(fates, fmt.Sprintf("%s (%d of %d runs)", f, count[f], len(runs)))
	}
	fate = strings.Join(fates, ", ")
	return fate, fate
}

// lifetime is one connection the lifetimes spec watches, and its fate.
type lifetime struct {
	name   string
	p      *pair.Pair
	closer string // "A", "B" or "" for idle

	fate, cell string        // categorical, and with when
	after      time.Duration // until the cut; the horizon if it survived
	err        error         // setup failed: no fate
}

// ends returns the pair's ends as named ends.
func (l *lifetime) ends() (a, b end) { return end{"A", l.p.A}, end{"B", l.p.B} }

// watch runs the scenario: exchange, half-close, pending Reads until the
// horizon or a cut, then proof bytes.
func (l *lifetime) watch(ctx SpecContext, h time.Duration) {
	a, b := l.ends()
	if l.err = errors.Join(exchange(a, b), exchange(b, a)); l.err != nil {
		return
	}
	listeners := []end{a, b} // the ends that can still receive
	switch l.closer {
	case "A":
		l.err, listeners = halfClose(a, b), []end{a}
	case "B":
		l.err, listeners = halfClose(b, a), []end{b}
	}
	if l.err != nil {
		return
	}
	start := time.Now()
	reads := make(chan pendingRead, len(listeners))
	for _, e := range listeners {
		if l.p.Can(harness.ReadDeadline) {
			set := func() error { return e.conn.SetReadDeadline(start.Add(h + 2*opBound)) }
			if l.err = bound.Within(opBound, e.name+".SetReadDeadline", set); l.err != nil {
				return
			}
		}
		go func() {
			n, err := e.conn.Read(make([]byte, 64))
			reads <- pendingRead{e.name, n, err, time.Now()}
		}()
	}
	horizonAt := time.NewTimer(h)
	defer horizonAt.Stop()
	select {
	case r := <-reads:
		l.after = r.at.Sub(start)
		seen := []pendingRead{r}
		if len(listeners) > 1 { // a relay closing both sides closes them together
			select {
			case r2 := <-reads:
				seen = append(seen, r2)
			case <-time.After(eventWait):
			}
		}
		l.cut(seen, len(listeners))
		return
	case <-horizonAt.C:
	case <-ctx.Done():
		l.err = ctx.Err()
		return
	}
	l.after = h
	l.prove(listeners, reads)
}

// cut names how the connection was cut from the Reads that returned: the
// fate "cut: RST" if an end saw a reset, else by what the first saw (a
// relay that resets one side and closes the other may be seen either
// way), the cell also by where and when.
func (l *lifetime) cut(seen []pendingRead, listening int) {
	fate := cutName(seen[0])
	slices.SortFunc(seen, func(x, y pendingRead) int { return strings.Compare(x.end, y.end) })
	var hows, where []string
	for _, r := range seen {
		if !slices.Contains(hows, cutName(r)) {
			hows = append(hows, cutName(r))
		}
		where = append(where, cutName(r)+" at "+r.end)
	}
	if slices.Contains(hows, "RST") {
		fate = "RST"
	}
	how := hows[0]
	if len(hows) > 1 || len(seen) < listening {
		how = strings.Join(where, ", ")
	}
	l.fate = "cut: " + fate
	l.cell = fmt.Sprintf("cut after %.2f%ss: %s", l.after.Seconds(), units.Space, how)
}

// prove has the other end of every listener write at the horizon; the
// pending Read must get the bytes.
func (l *lifetime) prove(listeners []end, reads <-chan pendingRead) {
	a, b := l.ends()
	var problems []string
	wrote := make(chan string, len(listeners))
	for _, e := range listeners {
		from := a
		if e.name == "A" {
			from = b
		}
		go func() {
			err := bound.Within(opBound, from.name+".Write", func() error { _, err := from.conn.Write([]byte("alive")); return err })
			if err != nil {
				wrote <- fmt.Sprintf("%s's Write got %s", from.name, eventName(err))
				return
			}
			wrote <- ""
		}()
	}
	timeout := time.NewTimer(opBound)
	defer timeout.Stop()
	for range listeners {
		select {
		case r := <-reads:
			if r.n == 0 {
				problems = append(problems, cutName(r)+" at "+r.end)
			}
			continue
		case <-timeout.C:
			problems = append(problems, "the bytes written did not arrive within "+opBound.String())
		}
		break
	}
	for range listeners {
		if w := <-wrote; w != "" {
			problems = append(problems, w)
		}
	}
	if len(problems) == 0 {
		l.fate, l.cell = "survived", fmt.Sprintf("survived the %v horizon", l.after)
		return
	}
	l.fate = "cut: lost"
	l.cell = "cut before the horizon, found by writing: " + strings.Join(problems, ", ")
}

// pendingRead is what a Read pending since the half-close returned.
type pendingRead struct {
	end string
	n   int
	err error
	at  time.Time
}

// cutName names what a Read saw: EOF, RST, or data nobody sent.
func cutName(r pendingRead) string {
	switch {
	case r.n > 0:
		return "unexpected data"
	case errors.Is(r.err, syscall.ECONNRESET):
		return "RST"
	}
	return eventName(r.err)
}

// exchange has from write one message while to reads it, within OpBound.
func exchange(from, to end) error {
	msg := []byte("ping from " + from.name)
	wrote := make(chan error, 1)
	go func() { _, err := from.conn.Write(msg); wrote <- err }()
	if err := bound.Within(opBound, to.name+" reads from "+from.name, func() error {
		_, err := io.ReadFull(to.conn, make([]byte, len(msg)))
		return err
	}); err != nil {
		return err
	}
	select {
	case err := <-wrote:
		return err
	case <-time.After(opBound):
		return &bound.HungError{Op: from.name + ".Write", After: opBound}
	}
}

// halfClose has closer CloseWrite and peer read the EOF, within OpBound.
func halfClose(closer, peer end) error {
	if err := bound.Within(opBound, closer.name+".CloseWrite", closeWrite(closer.conn)); err != nil {
		return err
	}
	var n int
	err := bound.Within(opBound, peer.name+".Read after the half-close", func() error {
		var err error
		n, err = peer.conn.Read(make([]byte, 16))
		return err
	})
	if n != 0 || err != io.EOF {
		return fmt.Errorf("%s's half-close did not arrive: %s.Read = %d, %v; want 0, EOF", closer.name, peer.name, n, err)
	}
	return nil
}

// groupCells joins "name: text" cells, naming scenarios with the same text
// together: "A half-closed, B half-closed: cut after 0.50 s: EOF; idle: survived".
func groupCells(cells []string) string {
	var order []string
	names := map[string][]string{}
	for _, c := range cells {
		name, text, _ := strings.Cut(c, ": ")
		if names[text] == nil {
			order = append(order, text)
		}
		names[text] = append(names[text], name)
	}
	out := make([]string, len(order))
	for i, text := range order {
		out[i] = strings.Join(names[text], ", ") + ": " + text
	}
	return strings.Join(out, "; ")
}

func slicesNonNil(ps []*pair.Pair) []*pair.Pair {
	var out []*pair.Pair
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
