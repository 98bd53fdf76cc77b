package suites

import (
	"fmt"
	"io"
	"net"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/proxies"
)

// ReplySilence is how long B stays silent before replying to a half-closed
// request in half-close-reply-after-silence: the stimulus, not a wait for
// anything.
const replySilence = time.Second

// atOnce is how soon after a half-close a cut counts as the half-close
// itself closing the connection, rather than a timeout.
const atOnce = 100 * time.Millisecond

// After CloseWrite the closer MUST still read a reply that its peer sends
// after 1 s of silence, then io.EOF. A kernel stream keeps the reverse
// direction for as long as the peer holds it; a relay that closes a
// half-closed connection once it has been idle (socat's -t, 0.5 s by
// default) loses the reply. A's Read is pending throughout, so a relay
// that cuts the connection during the silence fails the spec at once.
var _ = behaviour(catalogue.HalfCloseSilence, replySilence+3*opBound, func(ctx SpecContext, c *specRun) {
	request, reply := []byte("request, then half-close"), []byte("reply after 1 s of silence")
	var halfClosed time.Time
	sent := make(chan error, 1) // alongside B's Reads, as a synchronous transport needs
	go func() {
		if _, err := c.A.Write(request); err != nil {
			sent <- fmt.Errorf("A.Write: %w", err)
			return
		}
		halfClosed = time.Now()
		sent <- closeWrite(c.A)()
	}()
	noError(readFull(c.B, make([]byte, len(request)), opBound, "B reads the request"), "B reads the request")
	expectEOF(c.B, "B, after the request")
	noError(await(sent, opBound, "A's Write and CloseWrite"), "A's Write and CloseWrite")

	got := make(chan readResult, 1)
	if c.Can(harness.ReadDeadline) {
		setDeadline("A.SetReadDeadline", c.A.SetReadDeadline, time.Now().Add(replySilence+2*opBound))
	}
	go func() {
		b, err := io.ReadAll(io.LimitReader(c.A, 1<<10))
		if err == nil {
			err = io.EOF // ReadAll's success
		}
		got <- readResult{b, err, time.Now()}
	}()
	lost := func(r readResult) string {
		what := eventName(r.err)
		if len(r.data) > 0 {
			what = fmt.Sprintf("%q then %s", r.data, what)
		}
		return fmt.Sprintf("the reply B sent after %v of silence was lost: A read %s %.2f\u00a0s after its CloseWrite",
			replySilence, what, r.at.Sub(halfClosed).Seconds())
	}
	select {
	case r := <-got:
		cut := proxies.ClientHalfClosedCut
		if r.at.Sub(halfClosed) < atOnce {
			cut = proxies.HalfCloseClosesBoth
		}
		c.hint(cut, r.at.Sub(halfClosed))
		failf("%s, while B was still silent", lost(r))
	case <-time.After(replySilence): // the stimulus: B says nothing for this long
	}
	replied := time.Now()
	for _, step := range []struct {
		what string
		do   func() error
	}{{"B.Write of the reply", func() error { _, err := c.B.Write(reply); return err }}, {"B.CloseWrite after it", closeWrite(c.B)}} {
		if err := within(opBound, step.what, step.do); err != nil {
			c.hint(proxies.ClientHalfClosedCut, 0)
			failf("after %v of silence B could not reply: %s: %v (was the connection cut during the silence?)", replySilence, step.what, err)
		}
	}
	r := await(got, opBound, "A.Read of the reply hung")
	switch {
	case string(r.data) != string(reply) && r.at.After(replied):
		c.hint(proxies.ReplyLostAtFIN, 0)
		failf("%s", lost(r))
	case string(r.data) != string(reply):
		c.hint(proxies.ClientHalfClosedCut, r.at.Sub(halfClosed))
		failf("%s", lost(r))
	case r.err != io.EOF:
		failf("A read the reply, then %s instead of io.EOF after B's CloseWrite", eventName(r.err))
	}
})

// readResult is what a pending Read got, and when.
type readResult struct {
	data []byte
	err  error
	at   time.Time
}

// closeWrite returns conn's CloseWrite, for within.
func closeWrite(conn net.Conn) func() error {
	return conn.(interface{ CloseWrite() error }).CloseWrite
}

// expectEOF fails the spec unless conn's next Read returns 0, io.EOF
// within OpBound.
func expectEOF(conn net.Conn, who string) {
	GinkgoHelper()
	var n int
	err := within(opBound, who+": Read", func() error { var err error; n, err = conn.Read(make([]byte, 16)); return err })
	if n != 0 || err != io.EOF {
		failf("%s: Read = %d, %v; want 0, io.EOF (the half-close did not arrive)", who, n, err)
	}
}
