package harness_test

import (
	"context"
	"fmt"
	"io"
	"net"

	"go.uber.org/goleak"

	"github.com/streamspec/streamspec/harness"
)

// A transport from a nettest.MakePipe-shaped constructor; net.Pipe stands
// in for the transport under test. The abilities are what the harness
// finds on its endpoints: net.Pipe has deadlines and a full Close, but no
// CloseWrite, descriptor or buffer sizing.
func ExampleFromMakePipe() {
	tr := harness.FromMakePipe("my-transport", func() (c1, c2 net.Conn, stop func(), err error) {
		c1, c2 = net.Pipe()
		return c1, c2, nil, nil
	})
	a, b, _, _ := tr.Pair(context.Background())
	defer a.Close()
	defer b.Close()
	fmt.Println(tr.Name(), tr.Traits().Kind, tr.Traits().Abilities(a))
	// Output: my-transport custom [read-deadline write-deadline full-close]
}

// Endpoints that are only io.ReadWriteClosers, such as a multiplexer's
// streams: io.Pipe pairs here. They have no deadlines, so the deadline
// specs are unsupported; a CloseWrite method would add close-write.
func ExampleFromReadWriteClosers() {
	tr := harness.FromReadWriteClosers("my-mux", func() (a, b io.ReadWriteCloser, stop func(), err error) {
		r1, w1 := io.Pipe()
		r2, w2 := io.Pipe()
		a, b = duplex{r1, w2}, duplex{r2, w1}
		return a, b, func() { a.Close(); b.Close() }, nil
	})
	a, b, stop, _ := tr.Pair(context.Background())
	defer stop()
	go func() { _, _ = b.Write([]byte("hello")) }()
	got := make([]byte, 5)
	_, _ = io.ReadFull(a, got)
	fmt.Println(string(got), tr.Traits().Abilities(a))
	// Output: hello [full-close]
}

// duplex is one end of two io.Pipes.
type duplex struct {
	*io.PipeReader
	*io.PipeWriter
}

func (d duplex) Close() error { d.PipeReader.Close(); return d.PipeWriter.Close() }

// A transport whose SetWriteDeadline is accepted but ignored: declared,
// the write-deadline specs report it unsupported instead of failing it.
func ExampleWithout() {
	tr := harness.Without(harness.FromMakePipe("my-transport", netPipe), harness.WriteDeadline)
	a, b, _, _ := tr.Pair(context.Background())
	defer a.Close()
	defer b.Close()
	fmt.Println(tr.Traits().Abilities(a))
	// Output: [read-deadline full-close]
}

// A stream whose Close ends only its writing direction, as a yamux or
// quic-go stream's does: the harness uses Close as CloseWrite, so the
// half-close specs run, and fullClose where it needs both directions
// ended. For a quic-go stream fullClose would call CancelRead, then Close.
func ExampleHalfCloseOnClose() {
	tr := harness.HalfCloseOnClose(harness.FromMakePipe("my-mux", netPipe), func(endpoint io.Closer) error {
		return endpoint.Close() // net.Pipe's Close ends both directions
	})
	a, b, _, _ := tr.Pair(context.Background())
	defer a.Close()
	defer b.Close()
	fmt.Println(tr.Traits().Abilities(a), tr.Traits().Notes)
	// Output: [close-write read-deadline write-deadline full-close] Close is a half-close
}

// A library that starts a process-wide goroutine on first use of a
// stream: the leak check is told to ignore exactly that function.
func ExampleIgnoreGoroutines() {
	tr := harness.IgnoreGoroutines(harness.FromMakePipe("my-mux", netPipe),
		goleak.IgnoreTopFunction("example.com/mux.(*scheduler).run"))
	fmt.Println(len(tr.Traits().IgnoreGoroutines))
	// Output: 1
}

func netPipe() (c1, c2 net.Conn, stop func(), err error) {
	c1, c2 = net.Pipe()
	return c1, c2, nil, nil
}
