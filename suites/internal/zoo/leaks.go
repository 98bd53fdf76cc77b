package zoo

import (
	"context"
	"net"
	"os"
	"sync"

	"go.uber.org/goleak"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
)

// leaky is a healthy queue transport whose every pair leaves something
// behind that its stop function does not release: the leak check after
// each spec must fail the spec, whichever it is (the target is the
// cheapest, zero-length-write).
func leaky(name, fault string, leak func()) Entry {
	base := queueTransport("zoo-"+name, quirks{}, nil)
	return Entry{
		Transport: harness.New(base.Name(), base.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			a, b, stop, err := base.Pair(ctx)
			leak()
			return a, b, stop, err
		}),
		Kind: Broken, What: fault, Target: catalogue.ZeroWrite.ID,
	}
}

// Leaks lists transports that leak a goroutine or descriptors per pair,
// which the leak check must catch, and legal ones with process-wide
// goroutines of their library, which it must not blame on any spec.
func Leaks() []Entry {
	return []Entry{
		leaky("leaks-goroutine", "each pair starts a goroutine that never ends", func() {
			go func() { select {} }()
		}),
		leakyEverywhere(leaky("leaks-descriptor", "each pair opens a pipe it never closes", func() {
			if r, w, err := os.Pipe(); err == nil {
				leaked = append(leaked, r, w) // kept reachable, so no finalizer closes them
			}
		})),
		{Transport: ProcessPool(), Kind: Legal,
			What: "its first Pair starts a process-wide pool of goroutines that serves every pair and never stops"},
		{Transport: LazyPool(true), Kind: Legal,
			What: "its first Write starts a process-wide pool, declared with harness.IgnoreGoroutines"},
	}
}

var leaked []*os.File

// leakyEverywhere runs a leaky entry on every spec, with abortive-close as
// its target: a spec that skips itself once its pair is open (the queue
// has no SO_LINGER) must still fail with the leak, not read unsupported,
// and a spec needing an ability the transport lacks must open no pair, so
// it is unsupported and leaks nothing.
func leakyEverywhere(e Entry) Entry {
	e.Observed, e.Target, e.Want = true, catalogue.AbortiveClose.ID, "leaked after the spec"
	e.Unsupported = []string{catalogue.ShutRD.ID, catalogue.PipeBufAtomic.ID}
	return e
}

// ProcessPool is a legal transport shaped like a library that starts a
// worker pool for the whole process on first use and never stops it
// (issue 11 reports kcp-go and quic-go): the first Pair starts
// poolWorkers goroutines, and every pair hands the pool a job. Nothing
// is left behind per pair.
func ProcessPool() harness.Transport {
	base := queueTransport("zoo-process-pool", quirks{}, nil)
	return harness.New(base.Name(), base.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		pairPool.start(poolWorker)
		pairPool.submit()
		return base.Pair(ctx)
	})
}

// LazyPool is a transport whose process-wide pool starts with the first
// Write on any of its streams, later than any warm-up pair. Declared, the
// leak check ignores the pool's goroutines; undeclared, the first spec
// that writes is blamed for them.
func LazyPool(declared bool) harness.Transport {
	name := "zoo-lazy-pool"
	if !declared {
		name = "zoo-lazy-pool-undeclared"
	}
	p := &pool{jobs: make(chan func(), 64)}
	tr := queueTransport(name, quirks{}, func(c Conn) Conn { return lazyPoolConn{c, p} })
	if declared {
		tr = harness.IgnoreGoroutines(tr, goleak.IgnoreAnyFunction("github.com/streamspec/streamspec/suites/internal/zoo.lazyWorker"))
	}
	return tr
}

type lazyPoolConn struct {
	Conn
	pool *pool
}

func (c lazyPoolConn) Write(p []byte) (int, error) {
	c.pool.start(lazyWorker)
	c.pool.submit()
	return c.Conn.Write(p)
}

// pool is a process-wide set of workers waiting for jobs.
type pool struct {
	once sync.Once
	jobs chan func()
}

const poolWorkers = 4

var pairPool = &pool{jobs: make(chan func(), 64)}

func (p *pool) start(worker func(chan func())) {
	p.once.Do(func() {
		for range poolWorkers {
			go worker(p.jobs)
		}
	})
}

// submit hands the pool a job, or drops it when the pool is busy.
func (p *pool) submit() {
	select {
	case p.jobs <- func() {}:
	default:
	}
}

func poolWorker(jobs chan func()) {
	for job := range jobs {
		job()
	}
}

// lazyWorker is LazyPool's worker, by a name of its own.
func lazyWorker(jobs chan func()) { poolWorker(jobs) }
