package suites

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
)

// An expired read deadline MUST fail Read with an error that is a net.Error
// whose Timeout() is true and that matches os.ErrDeadlineExceeded; a
// deadline already in the past MUST fail at once without consuming data;
// after the timeout the stream MUST be intact.
var _ = behaviour(harness.ReadDeadlines, 0, func(ctx SpecContext, c *Case) {
	Expect(c.B.SetReadDeadline(time.Now().Add(50 * time.Millisecond))).To(Succeed())
	err := within(OpBound, "B.Read with a 50 ms deadline (ignored deadline?)", func() error {
		_, err := c.B.Read(make([]byte, 16))
		return err
	})
	expectTimeout(err, "Read past its deadline")

	done := make(chan error, 1)
	go func() { _, err := c.A.Write([]byte("intact")); done <- err }() // a synchronous transport needs a reader
	Expect(c.B.SetReadDeadline(time.Now().Add(-time.Second))).To(Succeed())
	err = within(OpBound, "B.Read with a past deadline", func() error { _, err := c.B.Read(make([]byte, 16)); return err })
	expectTimeout(err, "Read with a deadline in the past")

	Expect(c.B.SetReadDeadline(time.Time{})).To(Succeed())
	got := make([]byte, 6)
	Expect(readFull(c.B, got, OpBound, "B.Read after the deadline is cleared")).To(Succeed())
	Expect(string(got)).To(Equal("intact"), "data lost or changed around a read timeout")
	Eventually(done).WithTimeout(OpBound).Should(Receive(BeNil()))
})

// A Write blocked by backpressure MUST fail with a timeout error (net.Error,
// Timeout(), os.ErrDeadlineExceeded) once its write deadline passes, and
// report in n how many bytes it accepted.
var _ = behaviour(harness.WriteDeadlines, 10*time.Second, func(ctx SpecContext, c *Case) {
	Expect(c.A.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))).To(Succeed())
	var accepted int64
	var lastN int
	err := within(3*time.Second, "A.Write with a 200 ms deadline and the reader stopped (ignored deadline?)", func() error {
		p := make([]byte, 1<<20)
		for accepted <= harness.BackpressureBound {
			n, err := c.A.Write(p)
			accepted += int64(n)
			lastN = n
			if err != nil {
				return err
			}
		}
		return fmt.Errorf("%d bytes accepted without blocking", accepted)
	})
	expectTimeout(err, "Write past its deadline")
	Expect(lastN).To(BeNumerically(">=", 0), "the timed-out Write reported a negative n")
	c.Observe(fmt.Sprintf("timeout after %d B", accepted), map[string]any{"accepted_bytes": accepted, "last_write_n": lastN})
})

// expectTimeout checks the ways net.Conn's documentation lets a caller
// recognise a timeout: the error's own Timeout method, a wrapped net.Error,
// and errors.Is(err, os.ErrDeadlineExceeded). (Whether the error itself is
// a net.Error, which nettest.TestConn insists on, is observed, not contract:
// os.File's *fs.PathError has Timeout but not Temporary.)
func expectTimeout(err error, what string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "%s returned no error", what)
	t, ok := err.(interface{ Timeout() bool })
	Expect(ok && t.Timeout()).To(BeTrue(), "%s: error %q (%T) has no Timeout method returning true", what, err, err)
	var ne net.Error
	Expect(errors.As(err, &ne)).To(BeTrue(), "%s: error %q (%T) wraps no net.Error", what, err, err)
	Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeTrue(), "%s: error %q does not match os.ErrDeadlineExceeded", what, err)
}
