package netns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/leaks"
)

// link is one pair's path: A and B each in a namespace of its own, joined
// through a router namespace R by two veth pairs. The bottleneck is R's
// egress towards each end, as on a real path: a qdisc on the sender's own
// device would hold at most about 1 ms of its data, because TCP Small
// Queues limits the bytes a socket has in local queues
// (net/ipv4/tcp_output.c tcp_small_queue_check), while a forwarded packet
// no longer belongs to the socket (veth hands the peer an orphaned skb).
type link struct {
	a, r, b *os.File // the namespaces; in every ip and tc run A is fd 3, B fd 4
	path    Path
	id      int64
	held    atomic.Bool    // the bottleneck is held
	fds     map[int]string // while kept idle: its descriptors and what they refer to
}

// live lists the links a pair uses, for the suites' leak check: a pair
// whose stop never ran shows up there. Idle kept ones are not listed.
var (
	liveMu sync.Mutex
	live   = map[int64]bool{}
	lastID atomic.Int64
)

func init() {
	leaks.RegisterResourceProbe("network namespace", func() []string {
		liveMu.Lock()
		defer liveMu.Unlock()
		var out []string
		for id := range live {
			out = append(out, fmt.Sprintf("path %d (3 namespaces, pid %d)", id, os.Getpid()))
		}
		return out
	})
}

// Addresses: A and B on /30s of their own, R at the other end of each.
const (
	rToA = "198.18.0.2"
	rToB = "198.18.0.5"
)

// noNetem is set once tc has said the kernel has no sch_netem, so later
// pairs that need it are unavailable at once.
var noNetem atomic.Pointer[string]

// newLink makes the namespaces, the veths with their addresses and routes,
// and the shaping on R's egress both ways.
func newLink(ctx context.Context, p Path) (*link, error) {
	l := &link{path: p, id: lastID.Add(1)}
	l.setLive(true)
	if err := l.setup(ctx); err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

func (l *link) setup(ctx context.Context) (err error) {
	for _, ns := range []**os.File{&l.a, &l.r, &l.b} {
		if *ns, err = newNS(); err != nil {
			if errors.Is(err, os.ErrPermission) {
				return &harness.Unavailable{Reason: "creating a network namespace needs root (CAP_NET_ADMIN): " + err.Error()}
			}
			return err
		}
	}
	// R makes the veths; then A and B configure their ends and R its
	// shaping at once: fewer rounds of ip and tc, so a pair opens in time
	// on a busy machine too.
	if err = l.run(ctx, l.r, "ip",
		"link add toa type veth peer name veth0 netns /proc/self/fd/3",
		"link add tob type veth peer name veth0 netns /proc/self/fd/4",
		"addr add "+rToA+"/30 dev toa", "addr add "+rToB+"/30 dev tob",
		"link set toa up", "link set tob up"); err != nil {
		return err
	}
	var wg sync.WaitGroup
	var errA, errB, errTC error
	wg.Go(func() {
		errA = l.run(ctx, l.a, "ip", "addr add "+AddrA+"/30 dev veth0", "link set veth0 up", "route add 198.18.0.4/30 via "+rToA)
	})
	wg.Go(func() {
		errB = l.run(ctx, l.b, "ip", "addr add "+AddrB+"/30 dev veth0", "link set veth0 up", "route add 198.18.0.0/30 via "+rToB)
	})
	if q := l.path.qdisc(); q != "" {
		wg.Go(func() { errTC = l.run(ctx, l.r, "tc", "qdisc add dev tob root "+q, "qdisc add dev toa root "+q) })
	}
	var errNft error
	if l.path.Loss > 0 {
		wg.Go(func() { errNft = l.run(ctx, l.r, "nft", l.path.lossRules()...) })
	}
	// Forwarding in R. A sender keeps its congestion window across idle
	// time (net.ipv4.tcp_slow_start_after_idle 0), so a measurement that
	// pauses to hold the bottleneck finds the window the path grew.
	err = sysctl(l.r, "net/ipv4/ip_forward", "1")
	for _, ns := range []*os.File{l.a, l.b} {
		err = errors.Join(err, sysctl(ns, "net/ipv4/tcp_slow_start_after_idle", "0"), sysctl(ns, "net/ipv4/tcp_no_metrics_save", "1"))
	}
	wg.Wait()
	if errTC != nil && l.path.Shaper() == "netem" && strings.Contains(errTC.Error(), "unknown") {
		reason := "the kernel has no sch_netem, needed for delay (use Rate and Queue, shaped by tbf): " + errTC.Error()
		noNetem.Store(&reason)
		return &harness.Unavailable{Reason: reason}
	}
	return errors.Join(errA, errB, errTC, errNft, err)
}

// lossRules are the nftables rules that drop Loss percent of the packets
// R forwards, each way, at random (nft numgen: a fresh random number a
// packet). They live in R's namespace and go with it.
func (p Path) lossRules() []string {
	return []string{
		"table inet streamspec_loss {",
		"	chain forward {",
		"		type filter hook forward priority filter; policy accept;",
		fmt.Sprintf("		numgen random mod 10000 < %d counter drop", p.lossPerTenThousand()),
		"	}",
		"}",
	}
}

// sysctl sets /proc/sys/<name> in namespace ns.
func sysctl(ns *os.File, name, value string) error {
	if err := inNS(ns, func() error { return os.WriteFile("/proc/sys/"+name, []byte(value), 0) }); err != nil {
		return fmt.Errorf("setting %s in a path namespace: %w", strings.ReplaceAll(name, "/", "."), err)
	}
	return nil
}

// qdisc is the tc qdisc that shapes each end's egress, or "".
func (p Path) qdisc() string {
	switch p.Shaper() {
	case "netem":
		q := fmt.Sprintf("netem delay %dus limit %d", p.Delay.Microseconds(), max(p.queue()/1514, 1))
		if p.Rate > 0 {
			q += fmt.Sprintf(" rate %dbit", p.Rate)
		}
		return q
	case "tbf":
		return tbf(p.Rate, p.burst(), p.queue())
	}
	return ""
}

// burst is 1 ms of tokens, and never less than two full-size frames.
func (p Path) burst() int64 { return max(p.Rate/8/1000, 2*1514) }

func tbf(rate, burst, limit int64) string {
	return fmt.Sprintf("tbf rate %dbit burst %d limit %d", rate, burst, limit)
}

// hold stops the bottleneck towards B from forwarding: tbf at 100 bit/s with a
// 1600-byte bucket lets one more frame out, then the next after two
// minutes. Queued packets stay queued (tbf_change keeps its child fifo when
// the limit is unchanged, net/sched/sch_tbf.c). release restores the rate.
func (l *link) hold(ctx context.Context) (release func() error, err error) {
	if l.path.Shaper() != "tbf" {
		return nil, fmt.Errorf("hold needs a tbf bottleneck; this path's is %s: %w", l.path.Shaper(), errors.ErrUnsupported)
	}
	l.held.Store(true)
	if err := l.run(ctx, l.r, "tc", "qdisc change dev tob root "+tbf(100, 1600, l.path.queue())); err != nil {
		return nil, err
	}
	return func() error {
		err := l.run(context.Background(), l.r, "tc", "qdisc change dev tob root "+l.path.qdisc())
		if err == nil {
			l.held.Store(false)
		}
		return err
	}, nil
}

// setLive lists l as used by a pair, or not.
func (l *link) setLive(used bool) {
	liveMu.Lock()
	defer liveMu.Unlock()
	if used {
		live[l.id] = true
	} else {
		delete(live, l.id)
	}
}

// run runs an iproute2 tool (ip or tc) in namespace ns with one command a
// line, in one process (-batch), or nft with its ruleset (-f -).
func (l *link) run(ctx context.Context, ns *os.File, tool string, lines ...string) error {
	path, err := lookTool(tool)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	args := []string{"-batch", "-"}
	if tool == "nft" {
		args = []string{"-f", "-"}
	}
	return inNS(ns, func() error {
		cmd := exec.CommandContext(ctx, path, args...)
		cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
		cmd.ExtraFiles = []*os.File{l.a, l.b}
		cmd.WaitDelay = time.Second
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %q: %w: %s", tool, lines, err, bytes.TrimSpace(out))
		}
		return nil
	})
}

// lookTool finds ip, tc or nft in PATH or in the sbin directories that a
// non-login root shell may lack.
func lookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if p, err := exec.LookPath(dir + "/" + name); err == nil {
			return p, nil
		}
	}
	from := "iproute2"
	if name == "nft" {
		from = "nftables"
	}
	return "", &harness.Unavailable{Reason: name + " from " + from + " is not installed"}
}

// close drops the namespaces' descriptors; the namespaces go once the
// pair's sockets are closed too.
func (l *link) close() {
	l.setLive(false)
	for _, f := range []*os.File{l.a, l.r, l.b} {
		if f != nil {
			f.Close()
		}
	}
}
