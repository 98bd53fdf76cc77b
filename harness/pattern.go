package harness

import (
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
	want := Pattern(seed)
	buf := make([]byte, maxOf(sizes))
	exp := make([]byte, len(buf))
	var got int64
	for i := 0; got < total; i++ {
		size := int(min(int64(sizes[i%len(sizes)]), total-got))
		n, err := r.Read(buf[:size])
		if n > 0 {
			_, _ = want.Read(exp[:n])
			for j := range n {
				if buf[j] != exp[j] {
					return &MismatchError{Offset: got + int64(j), Total: total, Got: buf[j], Want: exp[j]}
				}
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

func maxOf(xs []int) int {
	m := 1
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
