package transports

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/pair"
)

// raceEnv marks the child process TestRelayCommandPortRace runs in its
// own network namespace.
const raceEnv = "STREAMSPEC_PORT_RACE_CHILD"

// Port-race numbers: pairs per run, pairs at once, and the namespace's
// ephemeral range, of which the adversary holds most at any moment.
const (
	racePairs     = 50
	raceAtOnce    = 10
	raceRangeLo   = 40000
	raceRangeHi   = 42047
	raceAdversary = 1400 // ports held at once, of 2048
)

// The race RelayCommand had: it freed a port and the relay bound it later,
// so a relay that takes 0.5 s to bind lost its port to any process given
// that port by bind(0) or connect in the meantime. The test runs in a
// private network namespace (so it can narrow the ephemeral range and fill
// it without disturbing the machine), where an adversary binds and frees
// ephemeral ports all the time, holding two thirds of them. First the old
// way (a port from bind(0), freed; no retry) must lose races, proving the
// adversary real; then 50 pairs the current way must lose none, with a
// relay that binds the port itself after 0.5 s and with one given
// {listen_fd}.
func TestRelayCommandPortRace(t *testing.T) {
	if os.Getenv(raceEnv) == "" {
		runInNetns(t)
		return
	}
	stop := adversary(t)
	defer stop()
	const slowSocat = `sh -c 'sleep 0.5; exec socat TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}'`
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	fdRelay := "env " + helperEnv + "={listen_fd},{upstream} " + exe + " -test.run=^TestHelperRelay$"

	before := runRace(t, RelayCommand("slow-socat", slowSocat, racyPorts))
	t.Logf("before the fix: %s", before)
	if before.races == 0 {
		t.Fatal("the adversary took no port from the old port picking: this test cannot see the race")
	}
	for _, tr := range []harness.Transport{RelayCommand("slow-socat", slowSocat), RelayCommand("fd-relay", fdRelay)} {
		after := runRace(t, tr)
		t.Logf("%s, after the fix: %s", tr.Name(), after)
		if after.races > 0 {
			t.Errorf("%s lost ports under the adversary: %s", tr.Name(), after)
		}
		if after.other > racePairs/2 {
			t.Skipf("%s: most pairs failed for reasons other than a port race (a loaded machine?): %s", tr.Name(), after)
		}
	}
}

// raceTally counts the pairs of a run that failed: by losing a port (the
// relay could not bind it, or the client reached another relay), or
// otherwise, with the first message of each.
type raceTally struct {
	races, other         int
	firstRace, firstElse string
}

func (r raceTally) String() string {
	return fmt.Sprintf("%d of %d pairs lost a port (%s); %d failed otherwise (%s)", r.races, racePairs, r.firstRace, r.other, r.firstElse)
}

// runRace opens racePairs pairs, raceAtOnce at a time, checks that each
// carries a byte each way, and counts the failures.
func runRace(t *testing.T, tr harness.Transport) raceTally {
	t.Helper()
	var mu sync.Mutex
	var tally raceTally
	sem := make(chan struct{}, raceAtOnce)
	var wg sync.WaitGroup
	for range racePairs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			p, err := pair.Open(t.Context(), tr)
			if err == nil {
				defer p.Close()
				err = pingErr(p)
			}
			if err == nil {
				return
			}
			msg := strings.ReplaceAll(err.Error(), "\n", " / ")
			lost := strings.Contains(msg, "Address already in use") || errors.Is(err, errMisrouted) || strings.Contains(msg, "did not cross")
			mu.Lock()
			defer mu.Unlock()
			if lost {
				tally.races++
				tally.firstRace = cmp.Or(tally.firstRace, msg)
			} else {
				tally.other++
				tally.firstElse = cmp.Or(tally.firstElse, msg)
			}
		})
	}
	wg.Wait()
	return tally
}

// adversary binds ephemeral ports and frees them again, raceAdversary
// at a time, each for 100 to 400 ms: about 5 600 binds a second among
// the few hundred free ports, so whatever port is freed is soon given to
// it. It stops when the returned function is called.
func adversary(t *testing.T) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range raceAdversary {
		wg.Go(func() {
			for {
				ln, err := net.Listen("tcp4", "127.0.0.1:0")
				hold := time.NewTimer(time.Duration(100+rand.IntN(300)) * time.Millisecond) // its habit, not synchronisation
				select {
				case <-done:
					hold.Stop()
					if err == nil {
						ln.Close()
					}
					return
				case <-hold.C:
				}
				if err == nil {
					ln.Close()
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }
}

// runInNetns runs this test again in a child process in a new network
// namespace with loopback up and a 2048-port ephemeral range.
func runInNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a private network namespace")
	}
	if raceDetector {
		t.Skip("the adversary's 1 400 goroutines under the race detector starve the relays it competes with; run without -race")
	}
	if _, err := exec.LookPath("socat"); err != nil {
		t.Skip("socat not installed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestRelayCommandPortRace$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), raceEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	for l := range strings.Lines(string(out)) {
		if strings.Contains(l, "relay_portrace_linux_test.go") {
			t.Log(strings.TrimSpace(l))
		}
	}
	if err != nil {
		t.Fatalf("the test in its network namespace failed: %v\n%s", err, out)
	}
}

func init() {
	if os.Getenv(raceEnv) == "" {
		return
	}
	// In the child: loopback up, and a small ephemeral range to fight over.
	if err := loopbackUp(); err != nil {
		panic(err)
	}
	r := fmt.Sprintf("%d %d", raceRangeLo, raceRangeHi)
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_local_port_range", []byte(r), 0o644); err != nil {
		panic(err)
	}
}

// loopbackUp sets IFF_UP on lo in this process's network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
