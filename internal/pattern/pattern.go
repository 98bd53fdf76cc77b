package pattern

import (
	"bytes"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/streamspec/streamspec/internal/iorule"
)

// patternBlock is the period of a pattern's random base.
const patternBlock = 64 << 10

// bases holds each seed's random base block, made once.
var bases sync.Map // uint64 -> *[patternBlock]byte

// Pattern returns the deterministic byte stream for seed, so a reader can
// verify what a writer sent without sharing a buffer. Block k of the stream
// (64 KiB each) is one random block, the same for the seed, XORed with a
// 64-bit word that is different for every k: no two blocks are alike and
// bytes within a block are random, so a lost, duplicated, reordered or
// changed byte shows, and a shifted or repeated block too. Made with
// memmove and crypto/subtle.XORBytes, it costs a few GB/s (a stream cipher
// costs about 1 GB/s, which was most of what a 64 MiB transfer on loopback
// took), and no loop the race detector instruments byte by byte.
func Pattern(seed uint64) *PatternStream {
	base, ok := bases.Load(seed)
	if !ok {
		b := new([patternBlock]byte)
		var s [32]byte
		binary.LittleEndian.PutUint64(s[:], seed)
		copy(s[8:], "streamspec")
		_, _ = rand.NewChaCha8(s).Read(b[:])
		base, _ = bases.LoadOrStore(seed, b)
	}
	return &PatternStream{base: base.(*[patternBlock]byte), seed: seed, block: -1}
}

// PatternStream is the byte stream Pattern returns; Read never fails.
type PatternStream struct {
	base  *[patternBlock]byte
	seed  uint64
	off   int64
	block int64              // the block mask holds the word of, -1 for none
	mask  [patternBlock]byte // that block's word, repeated
}

// Read fills p with the next len(p) bytes of the stream.
func (s *PatternStream) Read(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if k := s.off / patternBlock; k != s.block {
			binary.LittleEndian.PutUint64(s.mask[:], blockMask(s.seed, uint64(k)))
			for filled := 8; filled < patternBlock; filled *= 2 {
				copy(s.mask[filled:], s.mask[:filled])
			}
			s.block = k
		}
		j := int(s.off % patternBlock)
		m := min(len(p), patternBlock-j)
		subtle.XORBytes(p[:m], s.base[j:j+m], s.mask[j:j+m])
		p, s.off = p[m:], s.off+int64(m)
	}
	return n, nil
}

// At fills p with the bytes of Pattern(seed) from offset off on.
func At(seed uint64, off int64, p []byte) { _, _ = From(seed, off).Read(p) }

// From is Pattern(seed) from offset off on.
func From(seed uint64, off int64) *PatternStream {
	s := Pattern(seed)
	s.off = off
	return s
}

// blockMask is the word block k of seed's stream is XORed with: splitmix64's
// finaliser, a bijection, so every block of a seed gets its own.
func blockMask(seed, k uint64) uint64 {
	z := k + seed*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// MismatchError locates the first byte that differs from the pattern.
type MismatchError struct {
	Offset, Total int64
	Got, Want     byte
	// Rest is what the Read returned from the differing byte on (at most
	// 64 bytes): where in the pattern they belong says what went wrong.
	Rest []byte
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
	return SendVolume(w, seed, NewVolume(total), progress, sizes...)
}

// SendVolume is SendPattern for a transfer whose length v may be settled
// while it runs: each Write claims its bytes from v first, and the writer
// stops when v is used up.
func SendVolume(w io.Writer, seed uint64, v *Volume, progress *atomic.Int64, sizes ...int) error {
	if len(sizes) == 0 {
		sizes = []int{64 << 10}
	}
	src := Pattern(seed)
	buf := make([]byte, maxOf(sizes))
	var sent int64
	for i := 0; ; i++ {
		size, more := v.claim(sizes[i%len(sizes)])
		if !more {
			return nil
		}
		p := buf[:size]
		_, _ = src.Read(p)
		n, err := iorule.Write("", w, p)
		sent += int64(n)
		if progress != nil {
			progress.Add(int64(n))
		}
		var broken *iorule.Broken
		if errors.As(err, &broken) {
			return err // not the transport's error: the writer's count is wrong
		}
		if err != nil {
			return &WriteError{Sent: sent, Total: v.Total(), Err: err}
		}
	}
}

// Volume is the length of a transfer that can be settled once it is
// under way (when the writer has blocked, say): writers claim it a Write at
// a time, and Settle changes it, never below what has been claimed, so a
// Write in progress always belongs to the transfer.
type Volume struct {
	mu             sync.Mutex
	total, claimed int64
}

// NewVolume returns a Volume of total bytes.
func NewVolume(total int64) *Volume { return &Volume{total: total} }

// claim takes up to n of the bytes not claimed yet; more is false once
// they are all claimed (a zero-length Write is then not made either).
func (v *Volume) claim(n int) (int, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.claimed >= v.total {
		return 0, false
	}
	n = int(min(int64(n), v.total-v.claimed))
	v.claimed += int64(n)
	return n, true
}

// Settle sets the volume to total, or to what writers have claimed if that
// is more, and returns it: the bytes the reader must read.
func (v *Volume) Settle(total int64) int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.total = max(total, v.claimed)
	return v.total
}

// Total is the volume as it stands.
func (v *Volume) Total() int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.total
}

// Claimed is what writers have taken of it: the bytes of Writes completed
// or in progress.
func (v *Volume) Claimed() int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.claimed
}

// ReceivePattern reads total bytes from r with reads cycling through the
// sizes given and checks them against Pattern(seed). It does not read past
// total.
func ReceivePattern(r io.Reader, seed uint64, total int64, progress *atomic.Int64, sizes ...int) error {
	return ReceiveVolume(r, seed, NewVolume(total), progress, sizes...)
}

// ReceiveVolume is ReceivePattern for a transfer whose length v may be
// settled while it runs: it reads until it has v's total as it stands.
func ReceiveVolume(r io.Reader, seed uint64, v *Volume, progress *atomic.Int64, sizes ...int) error {
	if len(sizes) == 0 {
		sizes = []int{64 << 10}
	}
	want := NewChecker(seed)
	buf := make([]byte, maxOf(sizes))
	var got int64
	for i := 0; got < v.Total(); i++ {
		total := v.Total()
		size := int(min(int64(sizes[i%len(sizes)]), total-got))
		n, err := iorule.Read("", r, buf[:size])
		if n > 0 {
			if j, w := want.Check(buf[:n]); j >= 0 {
				return &MismatchError{Offset: got + int64(j), Total: total, Got: buf[j], Want: w, Rest: bytes.Clone(buf[j:min(n, j+64)])}
			}
			got += int64(n)
			if progress != nil {
				progress.Add(int64(n))
			}
		}
		var broken *iorule.Broken
		switch {
		case errors.As(err, &broken):
			return err // not the stream ending: the reader's count is wrong
		case err != nil && got < total:
			return &ShortError{Got: got, Total: total, Err: err}
		}
	}
	return nil
}

// Checker hands out the pattern in 64 KiB blocks, so that a reader whose
// Reads return a byte at a time costs a slice comparison, not a generator
// call, per Read.
type Checker struct {
	src  io.Reader
	buf  [64 << 10]byte
	next []byte
}

// NewChecker returns the checker for Pattern(seed).
func NewChecker(seed uint64) *Checker { return &Checker{src: Pattern(seed)} }

// Check compares p with the next len(p) pattern bytes and returns the
// index of the first that differs and the byte wanted there, or -1.
func (e *Checker) Check(p []byte) (int, byte) {
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
