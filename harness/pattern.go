package harness

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
)

// Pattern returns a deterministic stream of random bytes for seed, so a
// reader can verify what a writer sent without sharing a buffer.
func Pattern(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	copy(s[8:], "streamspec")
	return rand.NewChaCha8(s)
}

// MismatchError locates the first byte that differs from the pattern.
type MismatchError struct {
	Offset, Total int64
	Got, Want     byte
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("byte %d of %d differs: got %#02x want %#02x", e.Offset, e.Total, e.Got, e.Want)
}

// ShortError reports a stream that ended before all bytes arrived.
type ShortError struct {
	Got, Total int64
	Err        error
}

func (e *ShortError) Error() string {
	return fmt.Sprintf("stream ended after %d of %d bytes: %v", e.Got, e.Total, e.Err)
}

func (e *ShortError) Unwrap() error { return e.Err }

// WriteError is a Write that failed partway through a SendPattern; Err is
// the Write's own error, for checks such as its Timeout method.
type WriteError struct {
	Sent, Total int64
	Err         error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("write after %d of %d bytes: %v", e.Sent, e.Total, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// SendPattern writes total bytes of Pattern(seed) to w, cycling through the
// write sizes given (all of 64 KiB when none). progress, if not nil, counts
// bytes accepted. It enforces the io.Writer rule n == len(p) or err != nil.
func SendPattern(w io.Writer, seed uint64, total int64, progress *atomic.Int64, sizes ...int) error {
	if len(sizes) == 0 {
		sizes = []int{64 << 10}
	}
	src := Pattern(seed)
	buf := make([]byte, maxOf(sizes))
	var sent int64
	for i := 0; sent < total; i++ {
		size := int(min(int64(sizes[i%len(sizes)]), total-sent))
		p := buf[:size]
		_, _ = src.Read(p)
		n, err := w.Write(p)
		sent += int64(n)
		if progress != nil {
			progress.Add(int64(n))
		}
		if err != nil {
			return &WriteError{Sent: sent, Total: total, Err: err}
		}
		if n != size {
			return fmt.Errorf("io.Writer rule broken: Write returned n=%d for %d bytes and no error", n, size)
		}
	}
	return nil
}

// ReceivePattern reads total bytes from r with reads cycling through the
// sizes given and checks them against Pattern(seed). It does not read past
// total.
func ReceivePattern(r io.Reader, seed uint64, total int64, progress *atomic.Int64, sizes ...int) error {
	if len(sizes) == 0 {
		sizes = []int{64 << 10}
	}
	want := expected{src: Pattern(seed)}
	buf := make([]byte, maxOf(sizes))
	var got int64
	for i := 0; got < total; i++ {
		size := int(min(int64(sizes[i%len(sizes)]), total-got))
		n, err := r.Read(buf[:size])
		if n > 0 {
			if j, w := want.check(buf[:n]); j >= 0 {
				return &MismatchError{Offset: got + int64(j), Total: total, Got: buf[j], Want: w}
			}
			got += int64(n)
			if progress != nil {
				progress.Add(int64(n))
			}
		}
		if err != nil && got < total {
			return &ShortError{Got: got, Total: total, Err: err}
		}
	}
	return nil
}

// expected hands out the pattern in 64 KiB blocks, so that a reader whose
// Reads return a byte at a time costs a slice comparison, not a generator
// call, per Read.
type expected struct {
	src  io.Reader
	buf  [64 << 10]byte
	next []byte
}

// check compares p with the next len(p) pattern bytes and returns the
// index of the first that differs and the byte wanted there, or -1.
func (e *expected) check(p []byte) (int, byte) {
	for off := 0; off < len(p); {
		if len(e.next) == 0 {
			_, _ = e.src.Read(e.buf[:])
			e.next = e.buf[:]
		}
		n := min(len(p)-off, len(e.next))
		if !bytes.Equal(p[off:off+n], e.next[:n]) {
			for j := range n {
				if p[off+j] != e.next[j] {
					return off + j, e.next[j]
				}
			}
		}
		off += n
		e.next = e.next[n:]
	}
	return -1, 0
}

func maxOf(xs []int) int {
	m := 1
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
