package suites

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
)

// After CloseWrite the peer MUST read everything written, then io.EOF, and
// io.EOF again on every later Read; the closer MUST still read the peer's
// reply.
var _ = behaviour(harness.HalfClose, 10*time.Second, func(ctx SpecContext, c *Case) {
	size := c.fit("each way", 1<<20, 64<<10, 0.5)
	var progress atomic.Int64
	watch(&progress, map[string]func() error{
		"A writes, CloseWrite, reads the reply": func() error {
			if err := harness.SendPattern(c.A, 8, size, &progress); err != nil {
				return err
			}
			if err := c.A.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
				return fmt.Errorf("CloseWrite: %w", err)
			}
			if err := harness.ReceivePattern(c.A, 9, size, &progress); err != nil {
				return fmt.Errorf("reading the reply after CloseWrite: %w", err)
			}
			return nil
		},
		"B reads to EOF, replies": func() error {
			if err := harness.ReceivePattern(c.B, 8, size, &progress); err != nil {
				return err
			}
			for i := range 3 {
				if n, err := c.B.Read(make([]byte, 16)); n != 0 || err != io.EOF {
					return fmt.Errorf("Read %d after the last byte = %d, %v; want 0, io.EOF", i+1, n, err)
				}
			}
			return harness.SendPattern(c.B, 9, size, &progress)
		},
	})
})

// Everything written before Close MUST reach a reading peer before its
// io.EOF: Close does not discard what Write accepted. First a stream with
// B reading; then a last message written and closed while B is idle, so a
// transport that drops what the peer has not read yet, or reports EOF
// before it, fails every time rather than when it loses a race.
var _ = behaviour(harness.GracefulClose, 10*time.Second, func(ctx SpecContext, c *Case) {
	size := c.fit("stream", 4<<20, 256<<10, 1)
	var progress atomic.Int64
	watch(&progress, map[string]func() error{
		"A writes": func() error { return harness.SendPattern(c.A, 10, size, &progress) },
		"B reads":  func() error { return harness.ReceivePattern(c.B, 10, size, &progress) },
	})

	last := []byte("the last message before Close")
	closed := make(chan error, 1)
	go func() {
		if _, err := c.A.Write(last); err != nil {
			closed <- fmt.Errorf("A.Write: %w", err)
			return
		}
		closed <- c.A.Close()
	}()
	// A buffered transport is done at once; a synchronous one (net.Pipe)
	// waits for B to read, so B starts after the bound either way.
	select {
	case err := <-closed:
		closed <- err
	case <-time.After(settleBound):
	}
	got := make([]byte, len(last))
	if err := readFull(c.B, got, OpBound, "B reads the last message"); err != nil {
		Fail(fmt.Sprintf("the %d bytes A wrote just before Close did not all arrive: %v", len(last), err))
	}
	Expect(string(got)).To(Equal(string(last)))
	var n int
	err := within(OpBound, "B.Read after the last byte", func() error { var err error; n, err = c.B.Read(make([]byte, 16)); return err })
	Expect(n == 0 && err == io.EOF).To(BeTrue(), "Read after the last byte = %d, %v; want 0, io.EOF", n, err)
	Eventually(closed).WithTimeout(OpBound).Should(Receive(BeNil()), "A's last Write and Close")
})

// Close MUST unblock a pending Read and a Write blocked by backpressure on
// that endpoint, each with an error; Read and Write after Close MUST fail;
// a second Close MUST NOT panic.
var _ = behaviour(harness.CloseUnblocks, 10*time.Second, func(ctx SpecContext, c *Case) {
	readErr := make(chan error, 1)
	go func() { _, err := c.A.Read(make([]byte, 16)); readErr <- err }()
	writeDone := fillUntilBlocked(c, 11, 64<<10).done
	Expect(readErr).NotTo(Receive(), "A.Read returned with nothing to read")

	Expect(within(OpBound, "A.Close", c.A.Close)).To(Succeed())
	Eventually(readErr).WithTimeout(OpBound).Should(Receive(HaveOccurred()), "A's pending Read hung: A.Close did not unblock it")
	Eventually(writeDone).WithTimeout(OpBound).Should(Receive(HaveOccurred()), "A's blocked Write hung: A.Close did not unblock it")
	Expect(within(OpBound, "B.Close", c.B.Close)).To(Succeed())

	for _, e := range []struct {
		name string
		conn net.Conn
	}{{"A", c.A}, {"B", c.B}} {
		Expect(within(OpBound, e.name+".Read after Close", func() error { _, err := e.conn.Read(make([]byte, 1)); return err })).
			To(HaveOccurred(), "%s.Read after Close succeeded", e.name)
		Expect(within(OpBound, e.name+".Write after Close", func() error { _, err := e.conn.Write([]byte("x")); return err })).
			To(HaveOccurred(), "%s.Write after Close succeeded", e.name)
		_ = within(OpBound, "second "+e.name+".Close", e.conn.Close) // an error is fine, a panic or hang is not
	}
})

// After the peer has closed, Write MUST fail within a bounded time: not
// keep succeeding into the void, not block forever. TCP's first Write may
// still succeed (the peer answers it with RST); later ones fail.
var _ = behaviour(harness.PeerGone, 0, func(ctx SpecContext, c *Case) {
	Expect(within(OpBound, "B.Close", c.B.Close)).To(Succeed())
	writes, start := 0, time.Now()
	err := within(3*time.Second, "A.Write to a closed peer", func() error {
		for time.Since(start) < 2*time.Second {
			if _, err := c.A.Write([]byte("are you there?")); err != nil {
				return err
			}
			writes++
		}
		return nil
	})
	Expect(err).To(HaveOccurred(), "%d Writes to a closed peer succeeded over %v", writes, time.Since(start).Round(time.Millisecond))
	c.Observe(fmt.Sprintf("%s after %d writes", errName(err), writes), map[string]any{"writes_before_error": writes, "error": err.Error()})
})

// errName names an error by the most specific well-known value it matches.
func errName(err error) string {
	for _, e := range knownErrors {
		if errors.Is(err, e.err) {
			return e.name
		}
	}
	return fmt.Sprintf("%T", err)
}
