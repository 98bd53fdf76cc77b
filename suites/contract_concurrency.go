package suites

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
)

// Each Write from concurrent goroutines MUST arrive contiguous, and nothing
// MUST be lost (net.Conn allows concurrent calls; Go's sockets, pipes and
// TLS serialise whole Writes). Every Write is a record that names its
// writer and sequence number and is filled from both, so a split or
// interleaved Write shows as a record that does not parse.
var _ = behaviour(harness.ConcurrentWrites, 10*time.Second, func(ctx SpecContext, c *Case) {
	const writers, perWriter, size = 8, 64, 32 << 10
	var progress atomic.Int64
	ops := map[string]func() error{}
	for w := range writers {
		ops[fmt.Sprintf("writer %d", w)] = func() error {
			for seq := range perWriter {
				rec := record(w, seq, size)
				if n, err := c.A.Write(rec); err != nil || n != len(rec) {
					return fmt.Errorf("Write = %d, %v", n, err)
				}
				progress.Add(size)
			}
			return nil
		}
	}
	ops["reader"] = func() error {
		next := make([]int, writers)
		buf := make([]byte, size)
		for i := range writers * perWriter {
			if _, err := io.ReadFull(c.B, buf); err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			progress.Add(size)
			w, seq := int(binary.BigEndian.Uint32(buf)), int(binary.BigEndian.Uint32(buf[4:]))
			if w >= writers || seq != next[w] || string(buf) != string(record(w, seq, size)) {
				return fmt.Errorf("record %d (at byte %d) is not one whole Write: it starts as writer %d seq %d, want a next seq in %v",
					i, i*size, w, seq, next)
			}
			next[w]++
		}
		return nil
	}
	watch(&progress, ops)
})

// record is a Write's payload: writer and sequence number, then bytes
// derived from both.
func record(writer, seq, size int) []byte {
	p := make([]byte, size)
	binary.BigEndian.PutUint32(p, uint32(writer))
	binary.BigEndian.PutUint32(p[4:], uint32(seq))
	for i := 8; i < size; i++ {
		p[i] = byte(writer*31 + seq*7 + i)
	}
	return p
}

// Backpressure: with the reader stopped, Write MUST block within
// harness.BackpressureBound bytes; when the reader drains, the writer MUST
// resume, and every byte MUST arrive exactly once. Once it has blocked, the
// writer goes on for as much again as it got in (at least 256 KiB), so it
// must block and be woken more than once while the reader drains.
var _ = behaviour(harness.Backpressure, 15*time.Second, func(ctx SpecContext, c *Case) {
	f := fillUntilBlocked(c, 7, 64<<10)
	blockedAt := f.accepted.Load()
	c.Observe(fmt.Sprintf("blocked after %d B", blockedAt), map[string]any{"accepted_bytes": blockedAt})
	total := f.vol.Settle(f.vol.Claimed() + max(blockedAt, 256<<10))
	var progress atomic.Int64
	watch(&progress, map[string]func() error{
		"B drains":  func() error { return harness.ReceivePattern(c.B, 7, total, &progress) },
		"A resumes": func() error { return <-f.done },
	})
	Expect(f.accepted.Load()).To(Equal(total), "the writer did not write all %d bytes", total)
})
