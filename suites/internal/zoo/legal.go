package zoo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// Unusuals lists legal transports that behave unlike TCP and must still
// pass every contract spec they support.
func Unusuals() []Entry {
	legal := func(tr harness.Transport, what string) Entry { return Entry{Transport: tr, Kind: Legal, What: what} }
	return []Entry{
		legal(Queue(), "bounded in-process queue, 64 KiB each way"),
		legal(queueTransport("zoo-one-byte-reads", quirks{}, func(c Conn) Conn {
			return &oneByteReads{Conn: c, r: bufio.NewReaderSize(c, QueueSize)}
		}), "every Read returns at most 1 byte"),
		legal(queueTransport("zoo-framed", quirks{}, func(c Conn) Conn { return &framed{Conn: c} }),
			"each Write is a length-prefixed frame; a short Read keeps the rest"),
		legal(queueTransport("zoo-chunked-writes", quirks{}, func(c Conn) Conn { return chunked{Conn: c, mu: new(sync.Mutex)} }),
			"each Write goes out in 4 KiB pieces, under a lock"),
		legal(flakyFirstPair(), "the zoo queue whose first Pair fails: one failed pair does not stop the run"),
		legal(transports.NetPipe(), "net.Pipe: synchronous, no buffer, no half-close"),
		legal(transports.TLS(), "crypto/tls over TCP: records, a user-space layer"),
		legal(IOPipes(), "io.Pipe pairs through FromReadWriteClosers: no deadlines"),
		slow(legal(Throttled(1_000_000), "the zoo queue behind a token bucket: 1 MB/s each way")),
		slow(legal(Throttled(300_000), "the zoo queue behind a token bucket: 0.3 MB/s each way, a reliable-UDP library's pace")),
		slow(legal(SlowStart(), "kcp-go's pace at its defaults: each fresh pair starts at 27.5 kB/s and gains 21 kB/s a second, up to 440 kB/s")),
	}
}

// SlowStart is the zoo queue behind a token bucket shaped like a kcp-go
// session at its defaults on loopback (measured: 2 packets of 1376 B per
// 100 ms interval at first, one more every 1.3 s or so, up to its 32-packet
// window, kcp.go IKCP_WND_SND, IKCP_INTERVAL): a correct transport whose
// every fresh pair is slow for seconds.
func SlowStart() harness.Transport {
	return queueTransport("zoo-slow-start", quirks{rate: 27_500, ramp: 21_000, rampTo: 440_000}, nil)
}

func slow(e Entry) Entry { e.Slow = true; return e }

// Throttled is the zoo queue behind a token bucket of rate bytes a second
// each way: a correct transport that is merely slow.
func Throttled(rate int) harness.Transport {
	return queueTransport(fmt.Sprintf("zoo-throttled-%gMBps", float64(rate)/1e6), quirks{rate: rate}, nil)
}

// oneByteReads returns at most one byte per Read, from a read-ahead buffer
// (so it stays fast enough for 64 MiB).
type oneByteReads struct {
	Conn
	r *bufio.Reader
}

func (c *oneByteReads) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), 1)]) }

// IOPipes is a duplex stream made of two io.Pipes, given to the harness as
// io.ReadWriteClosers: synchronous like net.Pipe, with CloseWrite and no
// deadlines.
func IOPipes() harness.Transport {
	return harness.FromReadWriteClosers("zoo-io-pipe", func() (io.ReadWriteCloser, io.ReadWriteCloser, func(), error) {
		r1, w1 := io.Pipe()
		r2, w2 := io.Pipe()
		return ioPipeEnd{r1, w2}, ioPipeEnd{r2, w1}, nil, nil
	})
}

type ioPipeEnd struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func (e ioPipeEnd) Read(p []byte) (int, error)  { return e.r.Read(p) }
func (e ioPipeEnd) Write(p []byte) (int, error) { return e.w.Write(p) }
func (e ioPipeEnd) CloseWrite() error           { return e.w.Close() }
func (e ioPipeEnd) Close() error {
	e.w.Close()
	return e.r.Close()
}

// flakyFirstPair is the zoo queue whose first Pair returns an error: the
// first pairs check opens two at once and must go on when one opens.
func flakyFirstPair() harness.Transport {
	q := Queue()
	var calls atomic.Int64
	return harness.New("zoo-flaky-first-pair", q.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		if calls.Add(1) == 1 {
			return nil, nil, nil, errors.New("zoo: the first pair is refused")
		}
		return q.Pair(ctx)
	})
}
