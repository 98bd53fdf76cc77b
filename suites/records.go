package suites

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/internal/units"
)

// A message-oriented transport (AF_UNIX SOCK_SEQPACKET, a framing layer
// that drops what a short Read leaves) delivers each Write as a record:
// a Read shorter than the record takes its head and the rest is lost, and
// a zero-length Write is an empty record, which a Read returns as 0 bytes
// (for a socket, io.EOF: net's ZeroReadIsEOF holds for every socket type
// but datagram and raw, net/fd_posix.go). These recognise the signs.

// recordCut turns err, a reader's error on a stream of Pattern(seed)
// written in Writes of sizes (cycling, from the start), into the diagnosis
// when the bytes that differ are those that begin the next Write: a short
// Read discarded the rest of a record. Other errors are returned as they
// are.
func recordCut(err error, seed uint64, sizes ...int) error {
	var mm *pattern.MismatchError
	if !errors.As(err, &mm) || len(mm.Rest) == 0 {
		return err
	}
	start, next := writeAround(mm.Offset, sizes)
	if next <= mm.Offset {
		return err
	}
	want := make([]byte, len(mm.Rest))
	pattern.At(seed, next, want)
	if !bytes.Equal(want, mm.Rest) {
		return err
	}
	return fmt.Errorf("a short Read discarded the rest of a record: the Read after byte %s, within the %s Write at byte %s, "+
		"returned the bytes that begin the next Write (%s lost)", units.Digits(mm.Offset), units.Bytes(next-start), units.Digits(start), units.Bytes(next-mm.Offset))
}

// writeAround returns where the Write holding byte off starts and where
// the next one does, for Writes of sizes cycling (64 KiB when none).
func writeAround(off int64, sizes []int) (start, next int64) {
	if len(sizes) == 0 {
		sizes = []int{64 << 10}
	}
	for i := 0; ; i++ {
		size := int64(sizes[i%len(sizes)])
		if size > 0 && off < start+size {
			return start, start + size
		}
		start += size
		if i > len(sizes) && start == 0 {
			return 0, 0 // only empty Writes
		}
	}
}
