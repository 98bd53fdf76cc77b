package transports_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports"
)

// forwarder copies one direction of a relayed connection.
type forwarder func(dst, src *net.TCPConn)

// Test relays: a correct one and four broken in one way each, with the
// contract spec that must catch the fault ("" for none).
var testRelays = map[string]struct {
	forward forwarder
	catch   string
}{
	"copy-relay":      {copyHalfClose, ""},
	"no-half-close":   {copyOnly, harness.HalfClose.ID},
	"unbounded-relay": {hoard, harness.Backpressure.ID},
	"corrupt-relay":   {corrupt, harness.Integrity.ID},
	"swallow-relay":   {swallow, harness.PeerGone.ID},
}

// copyHalfClose is a correct relay direction: copy, then pass the EOF on.
func copyHalfClose(dst, src *net.TCPConn) {
	_, _ = io.Copy(dst, src)
	_ = dst.CloseWrite()
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

const childEnv = "STREAMSPEC_RELAY_CHILD"

// TestRelayChild runs the contract specs against the test relay named in
// $STREAMSPEC_RELAY_CHILD; TestRelaySelfTest starts it in a subprocess, so
// a failing relay does not fail this suite.
func TestRelayChild(t *testing.T) {
	name := os.Getenv(childEnv)
	if name == "" {
		t.Skip("run by TestRelaySelfTest")
	}
	suites.Run(t, transports.Relay(name, goRelay(testRelays[name].forward)))
}

// TestRelaySelfTest proves the relay transport and the specs that target
// relays: a correct io.Copy relay passes every contract spec, and each
// broken relay fails the contract spec aimed at its fault.
func TestRelaySelfTest(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	contract := 0
	for _, b := range harness.Catalogue() {
		if b.Class == harness.Contract {
			contract++
		}
	}
	for name, r := range testRelays {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			specs := runChild(t, name, r.catch)
			if r.catch == "" {
				passed := 0
				for _, s := range specs {
					if s.State.Is(types.SpecStateFailureStates) {
						t.Errorf("%s failed %s: %s", name, s.LeafNodeText, s.Failure.Message)
					}
					if s.State == types.SpecStatePassed {
						passed++
					}
				}
				if passed != contract {
					t.Errorf("%s passed %d of %d contract specs", name, passed, contract)
				}
				return
			}
			for _, s := range specs {
				if s.LeafNodeText == r.catch {
					if !s.State.Is(types.SpecStateFailureStates) {
						t.Errorf("%s: spec %s did not catch the fault: %s", name, r.catch, s.State)
					}
					t.Logf("%s: %s %s in %v: %s", name, r.catch, s.State, s.RunTime.Round(1e6), s.Failure.Message)
					return
				}
			}
			t.Errorf("%s: spec %s did not run", name, r.catch)
		})
	}
}

// runChild runs the contract specs (only spec, when given) against the test
// relay name in a subprocess and returns what the specs did.
func runChild(t *testing.T, name, spec string) types.SpecReports {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	args := []string{"-test.run=^TestRelayChild$", "-test.count=1",
		"-ginkgo.label-filter=contract", "-ginkgo.json-report=" + report}
	if spec != "" {
		args = append(args, "-ginkgo.focus= "+regexp.QuoteMeta(spec)+"$")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // every spec is bounded; this bounds the child too
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	out, err := cmd.CombinedOutput()
	if spec == "" && err != nil {
		t.Logf("child output:\n%s", out)
	}
	data, rerr := os.ReadFile(report)
	if rerr != nil {
		t.Fatalf("no report from the child (%v): %v\n%s", err, rerr, out)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("reading the child's report: %v (%d reports)", err, len(reports))
	}
	return reports[0].SpecReports.WithLeafNodeType(types.NodeTypeIt)
}
