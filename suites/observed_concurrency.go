package suites

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/units"
)

// bigWrite is larger than any default pipe or socket buffer a writer
// meets first here, so a Write of it has to wait partway.
const bigWrite = 128 << 10

// Two writers on separate duplicates of A's writing descriptor, so the
// kernel and not Go's per-file lock decides: a pipe write of up to
// PIPE_BUF bytes MUST NOT interleave with another writer's (POSIX write(2);
// Linux fs/pipe.c pipe_write, XNU bsd/kern/sys_pipe.c); larger writes may.
// Sockets are recorded the same way. Outcome: "PIPE_BUF writes atomic" or
// "PIPE_BUF writes interleaved"; the 128 KiB writes are recorded.
var _ = behaviour(catalogue.PipeBufAtomic, 10*time.Second, func(ctx SpecContext, c *specRun) {
	var writers [2]*os.File
	for i := range writers {
		f, err := kernel.DupWriter(c.A)
		c.must("duplicating A's writing descriptor", err)
		DeferCleanup(f.Close)
		writers[i] = f
	}
	small := interleaved(c, writers, kernel.PipeBuf, 256)
	large := interleaved(c, writers, bigWrite, 8)
	outcome := "PIPE_BUF writes atomic"
	if small > 0 {
		outcome = "PIPE_BUF writes interleaved"
	}
	c.Outcome(outcome,
		fmt.Sprintf("%s: %d of 512 mixed; %s: %d of 16 mixed", units.Bytes(kernel.PipeBuf), small, units.Short(bigWrite), large),
		map[string]any{"pipe_buf": kernel.PipeBuf, "small_mixed": small, "small_writes": 512, "large_size": bigWrite, "large_mixed": large, "large_writes": 16})
})

// interleaved has both writers write records writes of size bytes at once
// while B reads them, and returns how many size-byte slots of the stream
// hold bytes of both writers. Writer i fills its records with byte 'a'+i.
func interleaved(c *specRun, writers [2]*os.File, size, records int) int {
	GinkgoHelper()
	var progress atomic.Int64
	var mixed int
	ops := map[string]func() error{
		"B reads": func() error {
			buf := make([]byte, size)
			for range 2 * records {
				if _, err := io.ReadFull(c.B, buf); err != nil {
					return err
				}
				progress.Add(int64(size))
				for _, b := range buf {
					if b != buf[0] {
						mixed++
						break
					}
				}
			}
			return nil
		},
	}
	for i, w := range writers {
		ops[fmt.Sprintf("writer %d", i)] = func() error {
			rec := make([]byte, size)
			for j := range rec {
				rec[j] = 'a' + byte(i)
			}
			for range records {
				if _, err := w.Write(rec); err != nil {
					return err
				}
				progress.Add(int64(size))
			}
			return nil
		}
	}
	c.must(fmt.Sprintf("two writers of %d-byte records", size), bound.Watch(&progress, ops))
	return mixed
}
