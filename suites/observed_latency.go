package suites

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gmeasure"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/units"
)

// StallThreshold separates a round trip held up by a delayed ACK from one
// that was not: half of the shortest delayed-ACK timeout, Linux's 40 ms
// (include/net/tcp.h TCP_DELACK_MIN); macOS waits 100 ms or more.
const stallThreshold = 20 * time.Millisecond

// Nagle and delayed ACK: two small Writes and then a Read of the reply
// (write-write-read) MUST NOT stall with Go's default (TCP_NODELAY) or on
// non-TCP streams; with SetNoDelay(false) TCP holds the second Write until
// the first is acknowledged (net/ipv4/tcp_output.c tcp_nagle_check), and
// the peer delays that ACK by at least TCP_DELACK_MIN. Before each request
// the replier's TCP socket is put in delayed-ACK mode (kernel.DelayAcks),
// as an interactive connection is: otherwise whether Linux quick-acks
// depends on how soon the last reply came, which a busy machine decides.
// Outcome: "<setting>: stall|no stall" per setting: a stall when every
// one of pairs×rounds round trips took StallThreshold or more, so a
// scheduler that delays some samples cannot make one; the medians and
// maxima are recorded. A TCP variant that refuses TCP_QUICKACK (Linux
// MPTCP) leaves the mode to the machine's timing: the spec is unavailable.
var _ = behaviour(catalogue.NagleDelayedACK, 10*time.Second, func(ctx SpecContext, c *specRun) {
	const pairs, rounds = 6, 3 // 18 samples a setting; the pairs run at once
	c.skipRefused("TCP_QUICKACK, which puts the replier in delayed-ACK mode", kernel.DelayAcks(c.B))
	settings := []string{"default"}
	if _, ok := kernel.FindNoDelay(c.A); ok {
		settings = append(settings, "nagle")
	}
	exp := gmeasure.NewExperiment("write-write-read round trip on " + c.Transport)
	var progress atomic.Int64
	ops := map[string]func() error{}
	var extra []*pair.Pair
	DeferCleanup(func() error { return closeAll(extra) })
	for i := range pairs {
		p := c.Pair
		if i > 0 {
			var err error
			p, err = pair.Open(ctx, c.Tr)
			c.must(fmt.Sprintf("opening pair %d of %d", i+1, pairs), err)
			extra = append(extra, p)
		}
		requests := len(settings) * (rounds + 1)
		ops[fmt.Sprintf("pair %d B replies", i)] = func() error { return replier(p.B, requests, &progress) }
		ops[fmt.Sprintf("pair %d A asks", i)] = func() error {
			for _, s := range settings {
				if s == "nagle" {
					nd, _ := kernel.FindNoDelay(p.A)
					if err := nd.SetNoDelay(false); err != nil {
						return fmt.Errorf("SetNoDelay(false): %w", err)
					}
				}
				// The first round of a fresh connection or setting is not
				// measured: Linux acknowledges at once early in a connection.
				for r := range rounds + 1 {
					if err := kernel.DelayAcks(p.B); err != nil && !errors.Is(err, errors.ErrUnsupported) {
						return fmt.Errorf("%s round %d: %w", s, r, err)
					}
					d, err := writeWriteRead(p.A, &progress)
					if err != nil {
						return fmt.Errorf("%s round %d: %w", s, r, err)
					}
					if r > 0 {
						exp.RecordDuration(s, d)
					}
				}
			}
			return nil
		}
	}
	c.must("write-write-read", bound.Watch(&progress, ops))
	AddReportEntry(exp.Name, exp, ReportEntryVisibilityFailureOrVerbose)

	var outcome, summary []string
	values := map[string]any{"samples_per_setting": pairs * rounds}
	for _, s := range settings {
		stats := exp.GetStats(s)
		median := stats.DurationFor(gmeasure.StatMedian)
		verdict := "no stall"
		if stats.DurationFor(gmeasure.StatMin) >= stallThreshold {
			verdict = "stall"
		}
		outcome = append(outcome, s+": "+verdict)
		summary = append(summary, fmt.Sprintf("%s %s", s, ms(median)))
		values[s+"_median_ms"] = float64(median.Microseconds()) / 1000
		values[s+"_min_ms"] = float64(stats.DurationFor(gmeasure.StatMin).Microseconds()) / 1000
		values[s+"_max_ms"] = float64(stats.DurationFor(gmeasure.StatMax).Microseconds()) / 1000
	}
	c.Outcome(join(outcome), join(summary), values)
})

// writeWriteRead sends a request as two 10-byte Writes and waits for the
// 10-byte reply, returning the round trip.
func writeWriteRead(a net.Conn, progress *atomic.Int64) (time.Duration, error) {
	start := time.Now()
	for range 2 {
		if _, err := a.Write([]byte("half-a-req")); err != nil {
			return 0, err
		}
	}
	if _, err := io.ReadFull(a, make([]byte, 10)); err != nil {
		return 0, err
	}
	progress.Add(30)
	return time.Since(start), nil
}

// replier answers n 20-byte requests with 10 bytes each. It counts them
// rather than wait for the asker's Close: a transport whose Close does not
// tell the peer (kcp-go has no FIN) would leave it reading forever.
func replier(b net.Conn, n int, progress *atomic.Int64) error {
	req := make([]byte, 20)
	for range n {
		if _, err := io.ReadFull(b, req); err != nil {
			return err
		}
		if _, err := b.Write(req[:10]); err != nil {
			return err
		}
		progress.Add(1)
	}
	return nil
}

func ms(d time.Duration) string {
	return units.Millis(float64(d.Microseconds()) / 1000)
}
