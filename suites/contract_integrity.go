package suites

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/iorule"
	"github.com/streamspec/streamspec/internal/pattern"
)

// 64 MiB of seeded random bytes each way, both directions at once, MUST
// arrive intact and in order. The stall watchdog turns a hang into a
// failure within seconds; a slow but moving transport moves what it can in
// about two seconds at its measured throughput (at least 256 KiB). The
// Reads are shorter than the Writes and do not divide them, so a
// transport that keeps records, and drops what a short Read leaves of one,
// loses bytes here.
var _ = behaviour(catalogue.Integrity, 30*time.Second, func(ctx SpecContext, c *specRun) {
	total := c.fit("each way", 64<<20, 256<<10, 1)
	if t := c.throughput(); total == 64<<20 && t.Known() {
		c.Observe("", map[string]any{"throughput_bytes_per_s": int64(t.BytesPerSec)}) // fitted volumes record it themselves
	}
	var progress atomic.Int64
	c.watch(&progress, map[string]func() error{
		"A writes": func() error { return pattern.SendPattern(c.A, 1, total, nil) },
		"B writes": func() error { return pattern.SendPattern(c.B, 2, total, nil) },
		"B reads":  func() error { return recordCut(pattern.ReceivePattern(c.B, 1, total, &progress, integrityRead), 1) },
		"A reads":  func() error { return recordCut(pattern.ReceivePattern(c.A, 2, total, &progress, integrityRead), 2) },
	})
})

// integrityRead is the Read size of integrity: a prime just under the 64
// KiB Writes.
const integrityRead = 65521

// Writes of any size (0 to 1 MiB) read back with unrelated read sizes MUST
// give the same bytes: a stream keeps no message boundaries. One 8 MiB
// Write, larger than any kernel buffer here, MUST complete. A slow
// transport goes through the sizes once instead of three times, and its
// single Write is what it moves in about a second (at least 1 MiB).
var _ = behaviour(catalogue.NoBoundaries, 20*time.Second, func(ctx SpecContext, c *specRun) {
	writes := []int{0, 1, 2, 3, 7, 100, 1000, 4095, 4096, 4097, 65535, 65536, 65537, 1 << 20}
	reads := []int{1, 7, 4096, 65536, 3, 1000, 65537, 2}
	once := int64(0)
	for _, w := range writes {
		once += int64(w)
	}
	total := c.fit("mixed", 3*once, once, 0.5)
	var progress atomic.Int64
	c.watch(&progress, map[string]func() error{
		"A writes mixed sizes": func() error { return pattern.SendPattern(c.A, 3, total, nil, writes...) },
		"B reads mixed sizes": func() error {
			return recordCut(pattern.ReceivePattern(c.B, 3, total, &progress, reads...), 3, writes...)
		},
	})
	big := int(c.fit("single Write", 8<<20, 1<<20, 0.5))
	c.watch(&progress, map[string]func() error{
		fmt.Sprintf("A writes %d bytes at once", big): func() error { return pattern.SendPattern(c.A, 4, int64(big), nil, big) },
		"B reads": func() error { return pattern.ReceivePattern(c.B, 4, int64(big), &progress, 65536) },
	})
})

// Read MUST return the bytes that are there without waiting to fill its
// buffer: a 10-byte request and reply complete with 64 KiB read buffers.
// A read buffer shorter than a Write MUST lose nothing: the rest comes with
// the next Read.
var _ = behaviour(catalogue.ReadAvailable, 0, func(ctx SpecContext, c *specRun) {
	exchange := func(from, to string, w, r io.ReadWriter, msg []byte) {
		GinkgoHelper()
		var got []byte
		noError(within(opBound, from+" writes 10 bytes, "+to+" reads into 64 KiB (waits to fill the buffer?)", func() error {
			written := make(chan error, 1) // a synchronous transport needs the Read to run alongside
			go func() { _, err := w.Write(msg); written <- err }()
			buf := make([]byte, 64<<10)
			for len(got) < len(msg) {
				n, err := r.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					return err
				}
			}
			return <-written
		}), from+" writes 10 bytes, "+to+" reads into 64 KiB")
		sameBytes(got, msg, to+"'s Read of the 10 bytes "+from+" wrote")
	}
	exchange("A", "B", c.A, c.B, []byte("request-10"))
	exchange("B", "A", c.B, c.A, []byte("reply-0010"))

	msg := make([]byte, 1000)
	_, _ = pattern.Pattern(5).Read(msg)
	var got atomic.Value // []byte: what B has read, for a Read that hangs
	got.Store([]byte(nil))
	err := bound.Within(opBound, "A writes 1000 bytes, B reads into 3 bytes", func() error {
		written := make(chan error, 1)
		go func() { _, err := c.A.Write(msg); written <- err }()
		buf := make([]byte, 3)
		for read := []byte(nil); len(read) < len(msg); {
			n, err := iorule.Read("B", c.B, buf)
			read = append(read, buf[:n]...)
			got.Store(read)
			if err != nil {
				return fmt.Errorf("after %d of %d bytes: %w", len(read), len(msg), err)
			}
		}
		return <-written
	})
	read := got.Load().([]byte)
	if bound.IsHung(err) && len(read) == 3 && string(read) == string(msg[:3]) {
		failf("a short Read discarded the rest of a record: B's first Read, into 3 bytes, returned the first 3 of the 1000 bytes A wrote in one Write, "+
			"and its next Read waited %v for the rest", opBound)
	}
	if bound.IsHung(err) || bound.IsPanic(err) {
		failf("%v", err)
	}
	noError(err, "A writes 1000 bytes, B reads into 3 bytes")
	sameBytes(read, msg, "the 1000 bytes B read through a 3-byte buffer")
})

// Write MUST return n == len(p) or a non-nil error (the io.Writer rule),
// also when the reader is slow and the writer has to wait. Writes of up to
// 3 MiB, four rounds; on a slow transport what it moves in about two
// seconds, with no Write larger than a third of that.
var _ = behaviour(catalogue.WriterRule, 10*time.Second, func(ctx SpecContext, c *specRun) {
	sizes := []int{1, 4096, 65536, 1 << 20, 3 << 20}
	var round int64
	for _, s := range sizes {
		round += int64(s)
	}
	total := c.fit("volume", 4*round, 256<<10, 1)
	for i := range sizes {
		sizes[i] = int(min(int64(sizes[i]), max(total/3, 65536)))
	}
	var progress atomic.Int64
	c.watch(&progress, map[string]func() error{
		// SendPattern fails on n < len(p) with a nil error.
		"A writes":           func() error { return pattern.SendPattern(c.A, 6, total, nil, sizes...) },
		"B reads 1000 bytes": func() error { return pattern.ReceivePattern(c.B, 6, total, &progress, 1000) },
	})
})

// A zero-length Write MUST return no error, deliver nothing and not signal
// EOF: the next byte written is the next byte read. The reader runs
// alongside, since a synchronous transport may hand even an empty Write to
// a Read (which may then return 0 bytes and no error).
var _ = behaviour(catalogue.ZeroWrite, 0, func(ctx SpecContext, c *specRun) {
	var got []byte
	noError(within(opBound, "zero-length Writes and the Read after them", func() error {
		written := make(chan error, 1)
		go func() {
			for _, p := range [][]byte{{}, nil, []byte("x")} {
				if n, err := c.A.Write(p); err != nil || n != len(p) {
					written <- fmt.Errorf("A.Write(%q) = %d, %v", p, n, err)
					return
				}
			}
			written <- nil
		}()
		buf := make([]byte, 8)
		for len(got) == 0 {
			n, err := iorule.Read("B", c.B, buf)
			got = append(got, buf[:n]...)
			if err == io.EOF && n == 0 {
				return emptyRecord(c.B, buf)
			}
			if err != nil {
				return fmt.Errorf("B.Read after zero-length Writes: %w", err)
			}
		}
		return <-written
	}), "")
	holds(string(got) == "x", "the zero-length Writes delivered something: B read %q, want \"x\"", got)
})

// emptyRecord explains the io.EOF a Read returned after zero-length
// Writes: if the next Read returns the byte written after them, the
// stream had not ended, and a zero-length Write was read as an empty
// record. A wrote two of them: the byte may come after the second.
func emptyRecord(r io.Reader, buf []byte) error {
	for range 2 {
		n, err := iorule.Read("B", r, buf)
		if err == nil && string(buf[:n]) == "x" {
			return errors.New("an empty record read as EOF: B.Read returned io.EOF after A's zero-length Writes, and a later Read returned the byte A wrote after them")
		}
		if err != io.EOF || n != 0 {
			break
		}
	}
	return errors.New("B.Read after zero-length Writes: EOF")
}
