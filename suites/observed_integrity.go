package suites

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/units"
)

// Coalescing and splitting: a stream keeps no write boundaries, and a
// built-in MUST cut them as declared for its OS: kernel buffers coalesce
// small writes and split large ones. The spec records how Reads cut them:
// 20 Writes of 100 bytes are read, once they have arrived, with a 64 KiB
// buffer; one 1 MiB Write is read alongside with a 1 MiB buffer. Outcome:
// "small writes <coalesced|one read each|split>". How the large Write is
// cut is recorded, not asserted: it races the reader (a Unix stream Read
// keeps copying while the woken writer appends, so it may return all
// 1 MiB at once, measured here). A slow transport's large Write is what it
// moves in about a second, at least 64 KiB.
var _ = behaviour(catalogue.Coalescing, 0, func(ctx SpecContext, c *specRun) {
	const small, writes = 100, 20
	large := int(c.fit("large Write", 1<<20, 64<<10, 0.5))
	done := make(chan error, 1)
	go func() {
		for range writes {
			if _, err := c.A.Write(make([]byte, small)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	// A kernel stream takes all 20 Writes into its buffer, and the reader
	// waits until they are all there. Other transports may need a reader
	// (net.Pipe): B reads alongside once A has not finished within a moment.
	synchronous := false
	if _, err := kernel.Unread(c.B); err == nil {
		c.must("A's small Writes", waitDone(done, opBound, "A's small Writes"))
		if !arrived(c.B, small*writes, opBound) {
			c.must("B waits for the small Writes", fmt.Errorf("not all %s arrived within %v", units.Bytes(int64(small*writes)), opBound))
		}
	} else {
		select {
		case err := <-done:
			c.must("A's small Writes", err)
		case <-time.After(50 * time.Millisecond):
			synchronous = true
		}
	}
	smallReads := readSizes(c, c.B, small*writes, 64<<10)
	if synchronous {
		c.must("A's small Writes", waitDone(done, opBound, "A's small Writes"))
	}

	go func() { _, err := c.A.Write(make([]byte, large)); done <- err }()
	largeReads := readSizes(c, c.B, large, large)
	c.must("A's large Write", waitDone(done, opBound, "A's large Write"))

	smallVerdict := "coalesced"
	switch {
	case len(smallReads) == writes && slices.Max(smallReads) == small:
		smallVerdict = "one read each"
	case len(smallReads) > writes:
		smallVerdict = "split"
	}
	c.Outcome("small writes "+smallVerdict,
		fmt.Sprintf("%d×%s in %s; %s in %s (largest %s)", writes, units.Bytes(int64(small)), reads(len(smallReads)), units.Short(int64(large)), reads(len(largeReads)), units.Bytes(int64(slices.Max(largeReads)))),
		map[string]any{"small_read_sizes": histogram(smallReads), "large_read_sizes": histogram(largeReads)})
})

// readSizes reads total bytes from conn with a buffer of size bytes and
// returns the size of every Read.
func readSizes(c *specRun, conn net.Conn, total, size int) []int {
	GinkgoHelper()
	var sizes []int
	buf := make([]byte, size)
	c.mustWithin(opBound, "reading "+units.Bytes(int64(total)), func() error {
		for got := 0; got < total; {
			n, err := conn.Read(buf[:min(size, total-got)])
			if n > 0 {
				sizes = append(sizes, n)
				got += n
			}
			if err != nil {
				return fmt.Errorf("after %s of %s: %w", units.Digits(int64(got)), units.Bytes(int64(total)), err)
			}
		}
		return nil
	})
	return sizes
}

// waitDone waits up to d for an operation running in a goroutine to
// report on done, and returns its error or a HungError.
func waitDone(done <-chan error, d time.Duration, what string) error {
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return &bound.HungError{Op: what, After: d}
	}
}

func reads(n int) string {
	if n == 1 {
		return "1 read"
	}
	return strconv.Itoa(n) + " reads"
}

// histogram counts reads by size, keyed by the size in decimal for JSON.
func histogram(sizes []int) map[string]int {
	h := map[string]int{}
	for _, s := range sizes {
		h[strconv.Itoa(s)]++
	}
	return h
}
