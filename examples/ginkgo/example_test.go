// Package ginkgo_test shows streamspec's catalogue declared inside an
// existing Ginkgo suite, for a transport that only has io.ReadWriteCloser
// endpoints and whose Close is a half-close (as yamux and quic-go streams
// are): a trait its types cannot reveal, so it is declared with
// HalfCloseOnClose.
package ginkgo_test

import (
	"io"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
)

// The suite the user already has.
func TestMySuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "my suite")
}

var _ = Describe("my stream", func() {
	It("echoes a greeting", func() {
		a, b, stop := streams()
		defer stop()
		go func() { _, _ = io.Copy(b, b) }()
		_, err := a.Write([]byte("hello"))
		Expect(err).NotTo(HaveOccurred())
		got := make([]byte, 5)
		_, err = io.ReadFull(a, got)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal("hello"))
	})
})

// The whole streamspec catalogue against the same streams, in this suite.
// Deadline specs are unsupported (io.ReadWriteCloser has no deadlines).
// Close is declared a half-close, so half-close and graceful-close run
// through it; fullClose ends a stream both ways, so close-unblocks and
// write-to-closed-peer run too.
var _ = suites.DescribeConformance(harness.HalfCloseOnClose(
	harness.FromReadWriteClosers("my-stream", func() (io.ReadWriteCloser, io.ReadWriteCloser, func(), error) {
		a, b, stop := streams()
		return a, b, stop, nil
	}),
	func(endpoint io.Closer) error { return endpoint.(*stream).closeBoth() }))

// streams stands in for the transport under test: a duplex stream of two
// io.Pipes whose Close, like a yamux stream's, only ends the writing side;
// stop releases everything.
func streams() (a, b *stream, stop func()) {
	r1, w1 := io.Pipe()
	r2, w2 := io.Pipe()
	a, b = &stream{r1, w2}, &stream{r2, w1}
	return a, b, func() { r1.Close(); r2.Close(); w1.Close(); w2.Close() }
}

type stream struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func (s *stream) Read(p []byte) (int, error)  { return s.r.Read(p) }
func (s *stream) Write(p []byte) (int, error) { return s.w.Write(p) }
func (s *stream) Close() error                { return s.w.Close() }
func (s *stream) closeBoth() error            { s.r.Close(); return s.w.Close() }
