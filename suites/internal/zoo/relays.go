package zoo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/transports"
)

// Relays lists relays written in Go and run through transports.Relay: a
// correct io.Copy relay, which must pass every contract spec, and relays
// broken in one way each, which the spec aimed at their fault must catch.
// They prove the relay transport and the specs a proxy author relies on.
func Relays() []Entry {
	broken := func(name, fault string, target catalogue.Behaviour, want string, f forwarder) Entry {
		return Entry{Transport: transports.Relay("zoo-"+name, goRelay(f)), Kind: Broken, What: fault, Target: target.ID, Want: want}
	}
	return []Entry{
		{Transport: transports.Relay("zoo-copy-relay", goRelay(copyHalfClose)), Kind: Legal,
			What: "a Go relay: io.Copy each way, the EOF passed on as CloseWrite"},
		broken("relay-no-half-close", "a relay that does not pass the half-close on", catalogue.HalfClose, "B reads to EOF", copyOnly),
		broken("relay-unbounded", "a relay that reads ahead into an unbounded queue", catalogue.Backpressure, "buffering is unbounded", hoard),
		broken("relay-corrupt", "a relay that flips a bit at 1 MiB", catalogue.Integrity, "differs", corrupt),
		broken("relay-swallow", "a relay that keeps reading from a client whose upstream is gone", catalogue.PeerGone, "Writes to a closed peer succeeded", swallow),
		broken("relay-fin-timeout", "a relay that cuts a half-closed connection 0.5 s after passing the EOF on", catalogue.HalfCloseSilence, "was lost", finTimeout),
		{Transport: renamed("zoo-socat-defaults", transports.SocatDefaults()), Kind: Broken, Target: catalogue.HalfCloseSilence.ID,
			What: "socat at its defaults: -t 0.5 closes a half-closed connection idle for 0.5 s"},
		{Transport: transports.Relay("zoo-relay-drops-server-fin", serverFINDropped), Kind: Broken, Target: catalogue.Lifetimes.ID, Observed: true,
			What: "a relay that passes the client's half-close on but not the server's", Want: "B half-closed: B's half-close did not arrive",
			Outcomes: map[string]string{catalogue.Lifetimes.ID: "A half-closed: survived; B half-closed: failed; idle: survived"}},
		{Transport: transports.Relay("zoo-relay-racy-fin", racyFIN(racySeed())), Kind: Broken, Target: catalogue.HalfCloseSilence.ID,
			What: "a relay that, after the client's half-close, loses what the server sent just before its FIN on one pair in three, " +
				"as an epoll loop that acts on EPOLLHUP before reading", Want: "lost the reply in", Repeat: racyRepeat},
	}
}

// serverFINDropped relays the client's half-close to the server but not
// the server's to the client.
func serverFINDropped(upstream string) (string, func(), error) {
	return goRelay(func(dst, src *net.TCPConn) {
		if src.RemoteAddr().String() == upstream {
			copyOnly(dst, src)
			return
		}
		copyHalfClose(dst, src)
	})(upstream)
}

// racyRepeat is how many runs of the racy specs the self-test gives
// zoo-relay-racy-fin: as many as streamspec through does by default.
const racyRepeat = 10

// racySeedEnv sets zoo-relay-racy-fin's seed, to replay a run or to
// measure how often the repeats catch the loss across seeds.
const racySeedEnv = "STREAMSPEC_ZOO_RACY_SEED"

// racySeed is the seed from racySeedEnv, else a fixed one: which pairs
// lose is then the same on every run.
func racySeed() uint64 {
	if n, err := strconv.ParseUint(os.Getenv(racySeedEnv), 10, 64); err == nil {
		return n
	}
	return 1
}

// finWindow is how long the racy relay waits, after bytes from upstream,
// for the FIN to follow them: a FIN that comes within it arrived "with"
// those bytes, as one epoll wake-up would report both.
const finWindow = 200 * time.Millisecond

// racyFIN is a relay that passes the client's half-close on and then, on
// one pair in three, drops the bytes the upstream sends just before its
// FIN and closes both connections: the reply to a half-closed request is
// lost as by an event loop that closes on EPOLLHUP before it reads. On
// the other pairs it is copyHalfClose. Which pairs lose is drawn per pair
// from a ChaCha8 source seeded with seed and the pair's number (PCG
// streams of consecutive numbers gave correlated first draws: one seed
// lost on 1 pair of the first 14).
func racyFIN(seed uint64) transports.RelayFunc {
	var pairs atomic.Uint64
	return func(upstream string) (string, func(), error) {
		var s [32]byte
		binary.LittleEndian.PutUint64(s[:], seed)
		binary.LittleEndian.PutUint64(s[8:], pairs.Add(1))
		lose := rand.New(rand.NewChaCha8(s)).IntN(3) == 0
		halfClosed := make(chan struct{})
		return goRelay(func(dst, src *net.TCPConn) {
			if src.RemoteAddr().String() != upstream { // client to upstream
				copyHalfClose(dst, src)
				close(halfClosed)
				return
			}
			buf := make([]byte, 32<<10)
			read := func(within time.Duration) ([]byte, error) {
				if within > 0 {
					_ = src.SetReadDeadline(time.Now().Add(within))
					defer src.SetReadDeadline(time.Time{})
				}
				n, err := src.Read(buf)
				if errors.Is(err, os.ErrDeadlineExceeded) {
					err = nil // nothing followed
				}
				return bytes.Clone(buf[:n]), err
			}
			chunk, err := read(0)
			for {
				select {
				case <-halfClosed:
					if lose && len(chunk) > 0 && err == nil { // does the FIN follow these bytes?
						next, nerr := read(finWindow)
						if len(next) == 0 && nerr == io.EOF {
							dst.Close() // the bytes that came with the FIN are dropped
							src.Close()
							return
						}
						if _, werr := dst.Write(chunk); werr != nil {
							return
						}
						chunk, err = next, nerr
						continue
					}
				default:
				}
				if _, werr := dst.Write(chunk); werr != nil {
					return
				}
				if err != nil {
					_ = dst.CloseWrite()
					return
				}
				chunk, err = read(0)
			}
		})(upstream)
	}
}

// renamed is tr under another name.
func renamed(name string, tr harness.Transport) harness.Transport {
	return harness.New(name, tr.Traits(), tr.Pair)
}

// forwarder copies one direction of a relayed connection.
type forwarder func(dst, src *net.TCPConn)

// copyHalfClose is a correct relay direction: copy, then pass the EOF on.
func copyHalfClose(dst, src *net.TCPConn) {
	_, _ = io.Copy(dst, src)
	_ = dst.CloseWrite()
}

// finTimeout passes the half-close on, then gives the other direction
// 0.5 s to finish before ending it with an EOF, as socat's -t does: a
// reply later than that is lost.
func finTimeout(dst, src *net.TCPConn) {
	copyHalfClose(dst, src)
	_ = dst.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
}

// copyOnly drops the half-close: the peer never reads EOF while the other
// direction is open.
func copyOnly(dst, src *net.TCPConn) { _, _ = io.Copy(dst, src) }

// corrupt flips one bit of the byte at offset 1 MiB.
func corrupt(dst, src *net.TCPConn) {
	const at = 1 << 20
	if _, err := io.CopyN(dst, src, at); err != nil {
		return
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(src, b); err != nil {
		return
	}
	b[0] ^= 1
	if _, err := dst.Write(b); err == nil {
		copyHalfClose(dst, src)
	}
}

// swallow keeps reading src after dst has failed and passes no EOF on: the
// client of a closed upstream writes into the void.
func swallow(dst, src *net.TCPConn) {
	_, _ = io.Copy(dst, src)
	_, _ = io.Copy(io.Discard, src)
}

// hoard reads src as fast as it sends into an unbounded queue and writes
// the queue to dst: no backpressure.
func hoard(dst, src *net.TCPConn) {
	var mu sync.Mutex
	var queue [][]byte
	ended := false
	more := make(chan struct{}, 1)
	go func() {
		for {
			b := make([]byte, 64<<10)
			n, err := src.Read(b)
			mu.Lock()
			queue, ended = append(queue, b[:n]), err != nil
			mu.Unlock()
			select {
			case more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	for range more {
		mu.Lock()
		q, end := queue, ended
		queue = nil
		mu.Unlock()
		for _, b := range q {
			if _, err := dst.Write(b); err != nil {
				return
			}
		}
		if end {
			_ = dst.CloseWrite()
			return
		}
	}
}

// goRelay is a transports.RelayFunc that relays one connection with f in
// each direction; stop closes everything and waits for its goroutines.
func goRelay(f forwarder) transports.RelayFunc {
	return func(upstream string) (string, func(), error) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return "", nil, err
		}
		var (
			mu    sync.Mutex
			conns []net.Conn
			wg    sync.WaitGroup
		)
		track := func(c net.Conn) { mu.Lock(); conns = append(conns, c); mu.Unlock() }
		wg.Go(func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			track(c)
			u, err := net.Dial("tcp4", upstream)
			if err != nil {
				c.Close()
				return
			}
			track(u)
			var dirs sync.WaitGroup
			dirs.Go(func() { f(u.(*net.TCPConn), c.(*net.TCPConn)) })
			dirs.Go(func() { f(c.(*net.TCPConn), u.(*net.TCPConn)) })
			dirs.Wait()
			c.Close()
			u.Close()
		})
		stop := func() {
			ln.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
		}
		return ln.Addr().String(), stop, nil
	}
}
