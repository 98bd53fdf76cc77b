package suites

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/units"
)

// Each Write from concurrent goroutines MUST arrive contiguous, and nothing
// MUST be lost (net.Conn allows concurrent calls; Go's sockets, pipes and
// TLS serialise whole Writes). Every Write is a record that names its
// writer and sequence number, followed by bytes of that writer's own
// pattern, so a split or interleaved Write shows as a record that does not
// parse. Record sizes straddle common frame and record sizes (4 KiB pages,
// 16 KiB TLS records, 32 KiB and 64 KiB multiplexer frames) up to 1 MiB,
// and the eight writers write different sizes at once. Eight records each;
// on a slow transport at least one each, which covers every size, and on
// one too slow for that, one each of the sizes that fit its time, never
// fewer than those up to 64 KiB + 1.
var _ = behaviour(catalogue.ConcurrentWrites, 10*time.Second, func(ctx SpecContext, c *specRun) {
	const writers, most = 8, 8 // records per writer where the transport is fast
	sizes, perWriter := recordSizes, most
	full := writers * most * meanSize(sizes)
	if v := c.fit("records", full, writers*meanSize(recordSizes[:frameSizes]), 1); v < writers*meanSize(sizes) {
		perWriter = 1
		for len(sizes) > frameSizes && writers*meanSize(sizes) > v {
			sizes = sizes[:len(sizes)-1]
		}
		c.Observe("one record a writer, "+units.BytesRange(int64(sizes[0]), int64(sizes[len(sizes)-1]), units.Bytes),
			map[string]any{"largest_record_bytes": sizes[len(sizes)-1]})
	} else if v < full {
		perWriter = int(max(1, v/(writers*meanSize(sizes))))
	}
	recordSize := func(w, seq int) int { return sizes[(w+seq)%len(sizes)] }
	var progress atomic.Int64
	ops := map[string]func() error{}
	for w := range writers {
		ops[fmt.Sprintf("writer %d", w)] = func() error {
			body := pattern.Pattern(recordSeed + uint64(w))
			for seq := range perWriter {
				rec := make([]byte, recordSize(w, seq))
				binary.BigEndian.PutUint32(rec, uint32(w))
				binary.BigEndian.PutUint32(rec[4:], uint32(seq))
				_, _ = body.Read(rec[8:])
				if n, err := c.A.Write(rec); err != nil || n != len(rec) {
					//lint:ignore ST1005 the message names the io.Writer method
					return fmt.Errorf("Write of %d bytes = %d, %v", len(rec), n, err)
				}
			}
			return nil
		}
	}
	ops["reader"] = func() error {
		next := make([]int, writers)
		bodies := make([]*pattern.PatternStream, writers)
		for w := range bodies {
			bodies[w] = pattern.Pattern(recordSeed + uint64(w))
		}
		buf, want := make([]byte, 1<<20), make([]byte, 1<<20)
		r := countingReader{c.B, &progress} // progress by the Read: a 1 MiB record takes seconds on a slow transport
		var at int64
		for i := range writers * perWriter {
			if _, err := io.ReadFull(r, buf[:8]); err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			w, seq := int(binary.BigEndian.Uint32(buf)), int(binary.BigEndian.Uint32(buf[4:]))
			if w >= writers || seq != next[w] {
				return fmt.Errorf("record %d (at byte %d) is not one whole Write: it starts as writer %d seq %d, want a next seq in %v",
					i, at, w, seq, next)
			}
			size := recordSize(w, seq)
			if _, err := io.ReadFull(r, buf[8:size]); err != nil {
				return fmt.Errorf("record %d, writer %d seq %d (%d bytes): %w", i, w, seq, size, err)
			}
			_, _ = bodies[w].Read(want[8:size])
			if !bytes.Equal(buf[8:size], want[8:size]) {
				return fmt.Errorf("record %d (at byte %d), writer %d seq %d, is not one whole Write: its %d bytes differ from byte %d on (torn, or interleaved with another Write)",
					i, at, w, seq, size, 8+firstDiff(buf[8:size], want[8:size]))
			}
			at += int64(size)
			next[w]++
		}
		return nil
	}
	c.watch(&progress, ops)
})

// recordSizes are the sizes concurrent-writes' records take in turn: each
// just above a size at which transports split writes, and odd ones.
var recordSizes = []int{4<<10 + 1, 16<<10 + 1, 32<<10 + 1, 64<<10 + 1, 99_991, 256<<10 + 7, 1 << 20}

// recordSeed seeds the writers' patterns: writer w writes Pattern(recordSeed+w).
const recordSeed = 100

// frameSizes is how many of recordSizes a slow transport writes at
// least: those up to 64 KiB + 1, just above the frame and record sizes at
// which transports split writes.
const frameSizes = 4

// meanSize is the mean of sizes: writer w's record seq is
// sizes[(w+seq)%len(sizes)], so the writers start at different sizes and
// records of every size are written at once.
func meanSize(sizes []int) int64 {
	var sum int64
	for _, s := range sizes {
		sum += int64(s)
	}
	return sum / int64(len(sizes))
}

// countingReader counts the bytes each Read returns.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// firstDiff returns the index of the first byte where a and b differ, or -1.
func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// Backpressure: with the reader stopped, Write MUST block within
// catalogue.BackpressureBound bytes; when the reader drains, the writer MUST
// resume, and every byte MUST arrive exactly once. Once it has blocked, the
// writer goes on for as much again as it got in (at least 256 KiB), so it
// must block and be woken more than once while the reader drains.
var _ = behaviour(catalogue.Backpressure, 15*time.Second, func(ctx SpecContext, c *specRun) {
	f := fillUntilBlocked(c, 7, 64<<10)
	blockedAt := f.accepted.Load()
	c.Observe("blocked after "+units.Bytes(int64(blockedAt)), map[string]any{"accepted_bytes": blockedAt})
	total := f.vol.Settle(f.vol.Claimed() + c.fit("resume", max(blockedAt, 256<<10), 64<<10, 0.5))
	var progress atomic.Int64
	c.watch(&progress, map[string]func() error{
		"B drains":  func() error { return pattern.ReceivePattern(c.B, 7, total, &progress) },
		"A resumes": func() error { return <-f.done },
	})
	holds(f.accepted.Load() == total, "A resumed and wrote %d of the %d bytes", f.accepted.Load(), total)
})
