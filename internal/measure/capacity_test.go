package measure_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/transports"
)

// These tests prove the capacity checks can fail: each runs a real
// measurement on a transport that lies in one way (or compares a real
// measurement with a deliberately wrong expectation) and wants the check
// that the blocking specs assert to reject it.

func linuxOnly(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the kernel expectations checked here are Linux's")
	}
}

func capacityOf(t *testing.T, tr harness.Transport) measure.Capacity {
	t.Helper()
	p, err := pair.Open(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bound.Within(bound.CloseTimeout, "B.Close", p.B.Close); _ = p.Close() }()
	c, err := measure.MeasureCapacity(context.Background(), p.A, p.B)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantErr(t *testing.T, err error, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the check accepted %s", what)
	}
	t.Logf("rejected as it should be: %v", err)
}

// failed is the error of the checks that fail their spec, if any.
func failed(checks []expect.Check, err error) error {
	var errs []error
	for _, c := range checks {
		errs = append(errs, c.Err())
	}
	return errors.Join(append(errs, err)...)
}

func TestBuiltinsPassTheirChecks(t *testing.T) {
	linuxOnly(t)
	for _, tr := range []harness.Transport{transports.TCP4(), transports.Unix(), transports.Pipe(), transports.NetPipe()} {
		c := capacityOf(t, tr)
		if err := failed(expect.CheckCapacity(runtime.GOOS, tr.Traits().Kind, c)); err != nil {
			t.Errorf("%s: %v", tr.Name(), err)
		}
	}
}

// A pipe with a hidden user-space buffer between its ends accepts more
// than the reader's pipe holds: conservation and the pipe-size rule fail.
func TestConservationFailsForHiddenPipeBuffer(t *testing.T) {
	linuxOnly(t)
	c := capacityOf(t, relayPipe())
	if c.Conserved {
		t.Fatalf("a relayed pipe looked conserved: %+v", c)
	}
	wantErr(t, failed(expect.CheckCapacity("linux", harness.KindPipe, c)), "a pipe with a hidden buffer")
}

// A TCP transport that is really two connections and a relay: the relay's
// buffers are in no kernel queue of the pair.
func TestConservationFailsForHiddenTCPRelay(t *testing.T) {
	linuxOnly(t)
	c := capacityOf(t, relayTCP())
	wantErr(t, failed(expect.CheckCapacity("linux", harness.KindTCP, c)), "a TCP pair with a relay in the middle")
}

// Conservation is to the byte: one byte more accepted than the queues hold
// fails it.
func TestConservationIsToTheByte(t *testing.T) {
	linuxOnly(t)
	c := capacityOf(t, transports.TCP4())
	c.AcceptedBytes++
	c.Conserved = c.AcceptedBytes == c.AccountedBytes
	wantErr(t, failed(expect.CheckCapacity("linux", harness.KindTCP, c)), "an accounting one byte short")
}

// A buffering transport posing as the built-in net-pipe (here a pipe whose
// descriptor is hidden) fails the net.Pipe expectation of no buffer at
// all; under its own name, an in-memory transport may buffer.
func TestMemoryKindMustHoldNothing(t *testing.T) {
	linuxOnly(t)
	c := capacityOf(t, opaque(transports.Pipe()))
	if c.Method != measure.MethodDeadline || c.AcceptedBytes == 0 {
		t.Fatalf("want a deadline measurement of a buffering pipe, got %+v", c)
	}
	if err := failed(expect.CheckCapacity("linux", harness.KindMemory, c)); err != nil {
		t.Errorf("a custom in-memory transport that buffers: %v", err)
	}
	c.Transport = "net-pipe"
	wantErr(t, failed(expect.CheckCapacity("linux", harness.KindMemory, c)), "a buffering transport posing as net-pipe")
}

func sweepOf(t *testing.T, tr harness.Transport, knob string) measure.Sweep {
	t.Helper()
	s, err := measure.SweepCapacity(context.Background(), tr, knob, []int{16 << 10, 64 << 10, 256 << 10}, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A Unix socket whose SetWriteBuffer does nothing: capacity ignores the
// knob, and the Linux rule "follows SO_SNDBUF" fails.
func TestSndbufSweepFailsWhenSetWriteBufferLies(t *testing.T) {
	linuxOnly(t)
	s := sweepOf(t, lyingUnix(func(c, peer *net.UnixConn) net.Conn { return ignoresWriteBuffer{c} }), measure.KnobSndbuf)
	wantErr(t, failed(expect.CheckSweep("sweep", "linux", harness.KindUnix, s), nil), "an SO_SNDBUF that is never set")
}

// A Unix socket whose SetReadBuffer sets the peer's send buffer instead:
// capacity follows "SO_RCVBUF", and the rule "ignores" fails.
func TestRcvbufSweepFailsWhenSetReadBufferIsCrossed(t *testing.T) {
	linuxOnly(t)
	s := sweepOf(t, lyingUnix(func(c, peer *net.UnixConn) net.Conn { return crossedReadBuffer{c, peer} }), measure.KnobRcvbuf)
	wantErr(t, failed(expect.CheckSweep("sweep", "linux", harness.KindUnix, s), nil), "an SO_RCVBUF that sets the peer's SO_SNDBUF")
}

// A TCP socket whose SetReadBuffer does nothing: the rule "follows
// SO_RCVBUF" fails.
func TestTCPRcvbufSweepFailsWhenSetReadBufferLies(t *testing.T) {
	linuxOnly(t)
	tr := harness.New("tcp-lying-rcvbuf", harness.Traits{Kind: harness.KindTCP}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := transports.TCP4().Pair(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		return a, ignoresReadBuffer{b.(*net.TCPConn)}, stop, nil
	})
	wantErr(t, failed(expect.CheckSweep("sweep", "linux", harness.KindTCP, sweepOf(t, tr, measure.KnobRcvbuf)), nil), "an SO_RCVBUF that is never set")
}

// A pipe-size sweep through a hidden relay: each point accepts more than
// F_GETPIPE_SZ.
func TestPipeSizeSweepFailsForHiddenBuffer(t *testing.T) {
	linuxOnly(t)
	s, err := measure.SweepCapacity(context.Background(), relayPipe(), measure.KnobPipeSize, []int{4096, 16384, 65536}, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, failed(expect.CheckSweep("sweep", "linux", harness.KindPipe, s), nil), "a pipe that holds more than its size")
}

// The wake-up rules against real measurements and a wrong expectation.
func TestWakeupChecksCanFail(t *testing.T) {
	linuxOnly(t)
	page := int64(os.Getpagesize())
	for _, tr := range []harness.Transport{transports.Pipe(), transports.Unix(), transports.TCP4()} {
		p, err := pair.Open(context.Background(), tr)
		if err != nil {
			t.Fatal(err)
		}
		_, w, err := measure.MeasureWakeup(context.Background(), p.A, p.B)
		_ = p.Close()
		if err != nil {
			t.Fatal(err)
		}
		kind := tr.Traits().Kind
		if err := expect.CheckWakeup("linux", kind, page, w); err != nil {
			t.Fatalf("%s: the real measurement fails: %v", tr.Name(), err)
		}
		if w.SoSndbuf < w.SoSndbufBlocked {
			t.Errorf("%s: SO_SNDBUF shrank while the idle writer waited: %d when it blocked, %d at the wake-up", tr.Name(), w.SoSndbufBlocked, w.SoSndbuf)
		}
		switch kind {
		case harness.KindPipe:
			wantErr(t, expect.CheckWakeup("linux", kind, 2*page, w), "a pipe woken at one page when two are expected")
		case harness.KindUnix, harness.KindTCP:
			w.SoSndbuf /= 2 // as if the kernel woke the writer with twice the allowed bytes charged
			wantErr(t, expect.CheckWakeup("linux", kind, page, w), tr.Name()+" woken above its threshold")
		}
	}
	wantErr(t, expect.CheckWakeup("linux", harness.KindPipe, page, measure.Wakeup{WakeupAfterBytes: -1}), "a writer never woken")
}

// The macOS capacity and knob expectations are inferred: a measurement
// that breaks one is recorded as not matching, with the XNU source, and
// does not fail; the same break of a measured Linux rule fails.
func TestInferredExpectationsRecordAndMeasuredOnesFail(t *testing.T) {
	for _, c := range []struct {
		kind harness.Kind
		cap  measure.Capacity
	}{
		{harness.KindPipe, measure.Capacity{Kind: harness.KindPipe, Method: measure.MethodSyscall, AcceptedBytes: 128 << 10, PipeSize: 64 << 10, Conserved: true}},
		{harness.KindUnix, measure.Capacity{Kind: harness.KindUnix, Method: measure.MethodSyscall, AcceptedBytes: 9000, SoSndbuf: 8192, Conserved: true}},
		{harness.KindUnix, measure.Capacity{Kind: harness.KindUnix, Method: measure.MethodSyscall, AcceptedBytes: 8192, SoSndbuf: 8192}},
	} {
		checks, err := expect.CheckCapacity("darwin", c.kind, c.cap)
		if err != nil || failed(checks, nil) != nil {
			t.Errorf("an inferred macOS rule failed a spec: %v %v", err, failed(checks, nil))
		}
		if !mismatchedFrom(checks, expect.Inferred, "xnu ") {
			t.Errorf("%s %+v: no inferred check recorded the mismatch: %+v", c.kind, c.cap, checks)
		}
		if c.kind == harness.KindPipe || !c.cap.Conserved {
			wantErr(t, failed(expect.CheckCapacity("linux", c.kind, c.cap)), "the same capacity against a measured Linux rule")
		}
	}
	pts := func(acc ...int64) measure.Sweep {
		s := measure.Sweep{Transport: "unix", Knob: measure.KnobRcvbuf}
		for i, a := range acc {
			s.Points = append(s.Points, measure.SweepPoint{Setting: int64(i + 1), AcceptedBytes: a})
		}
		return s
	}
	rising := pts(100, 200, 400)
	checks := expect.CheckSweep("capacity-vs-rcvbuf", "darwin", harness.KindUnix, rising)
	if failed(checks, nil) != nil || !mismatchedFrom(checks, expect.Inferred, "xnu ") {
		t.Errorf("a macOS Unix socket following SO_RCVBUF: want a recorded, not failed, mismatch: %+v", checks)
	}
	wantErr(t, failed(expect.CheckSweep("capacity-vs-rcvbuf", "linux", harness.KindUnix, rising), nil), "a Linux Unix socket following SO_RCVBUF")
}

// A sweep whose repeats spread wider than the settings moved it says
// Noisy: no evidence against a measured row, so it is recorded as
// inconclusive and does not fail; nor does it differ from an inferred
// one (CI's race step once failed netns capacity-vs-sndbuf on a noisy
// sweep). A steady sweep of another class still fails. The noisy sweep is
// netns's, with a round the scheduler starved.
func TestNoisySweepIsInconclusive(t *testing.T) {
	noisy := repeated([]int64{171528, 173760, 120000}, []int64{256672, 278016, 160000}, []int64{638840, 648704, 300000})
	noisy.Transport = "netns"
	if got := noisy.Response(); got != measure.Noisy {
		t.Fatalf("the fixture says %s, want %s", got, measure.Noisy)
	}
	for _, goos := range []string{"linux", "darwin"} {
		checks := expect.CheckSweep("capacity-vs-sndbuf", goos, harness.KindTCP, noisy)
		if len(checks) != 1 || !checks[0].Inconclusive || checks[0].Fails() || checks[0].Differs() {
			t.Errorf("%s: a noisy sweep: want one inconclusive check that neither fails nor differs: %+v", goos, checks)
		}
		if s := checks[0].String(); !strings.Contains(s, "too noisy to compare") {
			t.Errorf("%s: %s", goos, s)
		}
	}
	steady := repeated([]int64{131072, 131072, 131072}, []int64{131072, 131072, 131072}, []int64{131072, 131072, 131072})
	steady.Transport = "tcp4"
	wantErr(t, failed(expect.CheckSweep("capacity-vs-sndbuf", "linux", harness.KindTCP, steady), nil), "a TCP socket that ignores SO_SNDBUF")
}

func mismatchedFrom(checks []expect.Check, basis expect.Basis, source string) bool {
	for _, c := range checks {
		if !c.Matches && c.Provenance.Basis == basis && strings.Contains(c.Provenance.Source, source) {
			return true
		}
	}
	return false
}

// relayPipe is a pipe transport with a goroutine copying between two
// pipes: A writes one, B reads the other, a 64 KiB buffer in between.
func relayPipe() harness.Transport {
	return harness.New("relayed-pipe", harness.Traits{Kind: harness.KindPipe}, func(context.Context) (net.Conn, net.Conn, func(), error) {
		r1, w1, _ := os.Pipe() // A -> relay
		r2, w2, _ := os.Pipe() // relay -> B
		r3, w3, _ := os.Pipe() // B -> A
		done := make(chan struct{})
		go func() { _, _ = io.CopyBuffer(w2, r1, make([]byte, 64<<10)); close(done) }()
		stop := func() { r1.Close(); w2.Close(); <-done }
		return &filePair{r: r3, w: w1}, &filePair{r: r2, w: w3}, stop, nil
	})
}

// relayTCP declares itself TCP but is two connections and a relay.
func relayTCP() harness.Transport {
	return harness.New("relayed-tcp", harness.Traits{Kind: harness.KindTCP}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, r1, _, err := transports.TCP4().Pair(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		r2, b, _, err := transports.TCP4().Pair(ctx)
		if err != nil {
			a.Close()
			r1.Close()
			return nil, nil, nil, err
		}
		done := make(chan struct{}, 2)
		go func() { _, _ = io.Copy(r2, r1); done <- struct{}{} }()
		go func() { _, _ = io.Copy(r1, r2); done <- struct{}{} }()
		stop := func() { r1.Close(); r2.Close(); <-done; <-done }
		return a, b, stop, nil
	})
}

// opaque hides a transport's descriptors and buffer knobs.
func opaque(tr harness.Transport) harness.Transport {
	return harness.New("opaque-"+tr.Name(), harness.Traits{Kind: harness.KindMemory}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := tr.Pair(ctx)
		return struct{ net.Conn }{a}, struct{ net.Conn }{b}, stop, err
	})
}

// lyingUnix is a socketpair whose endpoints wrap makes lie.
func lyingUnix(wrap func(c, peer *net.UnixConn) net.Conn) harness.Transport {
	return harness.New("lying-unix", harness.Traits{Kind: harness.KindUnix}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := transports.Socketpair().Pair(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		ua, ub := a.(*net.UnixConn), b.(*net.UnixConn)
		return wrap(ua, ub), wrap(ub, ua), stop, nil
	})
}

type ignoresWriteBuffer struct{ *net.UnixConn }

func (ignoresWriteBuffer) SetWriteBuffer(int) error { return nil }

type crossedReadBuffer struct {
	*net.UnixConn
	peer *net.UnixConn
}

func (c crossedReadBuffer) SetReadBuffer(n int) error { return c.peer.SetWriteBuffer(n) }

type ignoresReadBuffer struct{ *net.TCPConn }

func (ignoresReadBuffer) SetReadBuffer(int) error { return nil }

// filePair is one end of a duplex made of two pipes.
type filePair struct{ r, w *os.File }

func (c *filePair) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *filePair) Write(p []byte) (int, error) { return c.w.Write(p) }
func (c *filePair) Close() error                { return errors.Join(c.r.Close(), c.w.Close()) }
func (c *filePair) LocalAddr() net.Addr         { return &net.UnixAddr{Name: "pipe"} }
func (c *filePair) RemoteAddr() net.Addr        { return &net.UnixAddr{Name: "pipe"} }
func (c *filePair) SetDeadline(t time.Time) error {
	return errors.Join(c.r.SetDeadline(t), c.w.SetDeadline(t))
}
func (c *filePair) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *filePair) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

func (c *filePair) ReadRawConn() (syscall.RawConn, error)  { return c.r.SyscallConn() }
func (c *filePair) WriteRawConn() (syscall.RawConn, error) { return c.w.SyscallConn() }

// Without a descriptor and without working deadlines, MeasureCapacity
// watches the writer and leaves its blocked Write behind; with a deadline
// that is accepted but ignored it notices the same.
func TestStallWatchWithoutDeadlines(t *testing.T) {
	for _, c := range []struct {
		name string
		tr   harness.Transport
		opts []measure.FillOption
	}{
		{"declared", opaque(transports.Pipe()), []measure.FillOption{measure.FillWithoutDeadlines()}},
		{"ignored deadline", ignoringDeadlines(transports.Pipe()), nil},
	} {
		p, err := pair.Open(context.Background(), c.tr)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := measure.MeasureCapacity(context.Background(), p.A, p.B, c.opts...)
		_ = p.Close() // ends the Write left blocked
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cp.Method != measure.MethodStallWatch || cp.PendingBytes != 4096 || cp.AcceptedBytes == 0 || cp.AcceptedBytes > 64<<10 {
			t.Errorf("%s: %+v", c.name, cp)
		}
		t.Logf("%s: method %s, %d accepted, a %d-byte Write left blocked; %s", c.name, cp.Method, cp.AcceptedBytes, cp.PendingBytes, cp.Notes)
	}
}

// ignoringDeadlines hides descriptors and accepts write deadlines without
// honouring them.
func ignoringDeadlines(tr harness.Transport) harness.Transport {
	return harness.New("deadline-ignoring-"+tr.Name(), harness.Traits{Kind: harness.KindCustom}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := tr.Pair(ctx)
		return deafToDeadlines{a}, deafToDeadlines{b}, stop, err
	})
}

type deafToDeadlines struct{ net.Conn }

func (deafToDeadlines) SetWriteDeadline(time.Time) error { return nil }

// The TCP wake-up rule is checked against SO_SNDBUF read with the queue
// after the wake-up. These are the numbers of an oversubscribed soak run:
// the fill ended before autotuning reached 4 MiB, SO_SNDBUF grew while the
// reader drained, and the writer woke with more than two thirds of the
// value read when it blocked queued, as the kernel allows.
func TestWakeupUsesSndbufAtTheWakeup(t *testing.T) {
	w := measure.Wakeup{WakeupAfterBytes: 1 << 20, AcceptedBytes: 4 << 20,
		SenderQueuedAt: 2678784, SoSndbufBlocked: 3939840, SoSndbuf: 4194304}
	if err := expect.CheckWakeup("linux", harness.KindTCP, 4096, w); err != nil {
		t.Errorf("a wake-up the kernel allows fails: %v", err)
	}
	w.SoSndbuf = w.SoSndbufBlocked // the value read when the writer blocked
	wantErr(t, expect.CheckWakeup("linux", harness.KindTCP, 4096, w), "2 678 784 B queued against 2/3 of 3 939 840")
}

// A slow transport without descriptors is slow, not blocked, while each
// timed-out Write still takes bytes: a pipe behind a 50 kB/s link, with
// its descriptor hidden, is measured at its 64 KiB, not at the few hundred
// bytes that fit in the first write-deadline window.
func TestSlowWriterIsFilledToItsCapacity(t *testing.T) {
	linuxOnly(t)
	tr := harness.New("slow-pipe", harness.Traits{Kind: harness.KindCustom}, func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		a, b, stop, err := transports.Pipe().Pair(ctx)
		return &throttled{Conn: a}, struct{ net.Conn }{b}, stop, err
	})
	c := capacityOf(t, tr)
	if c.Method != measure.MethodDeadline || c.AcceptedBytes != 64<<10 {
		t.Errorf("a 64 KiB pipe behind a slow link: method %s, %d bytes accepted, want %d", c.Method, c.AcceptedBytes, 64<<10)
	}
}

// throttled writes 256 bytes every 5 ms, honouring its write deadline.
type throttled struct {
	net.Conn
	mu       sync.Mutex
	deadline time.Time
}

func (c *throttled) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

func (c *throttled) Write(p []byte) (n int, err error) {
	tick := time.NewTicker(5 * time.Millisecond) // the link's pace, not synchronisation
	defer tick.Stop()
	for n < len(p) {
		c.mu.Lock()
		d := c.deadline
		c.mu.Unlock()
		if !d.IsZero() && time.Now().After(d) {
			return n, os.ErrDeadlineExceeded
		}
		m, err := c.Conn.Write(p[n:min(len(p), n+256)])
		if n += m; err != nil {
			return n, err
		}
		<-tick.C
	}
	return n, nil
}
