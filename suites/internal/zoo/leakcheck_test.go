package zoo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/suites/internal/zoo"
)

// leakCheckGroup is the zoo group TestLeakCheckUnderGinkgoP runs.
const leakCheckGroup = "leak-check"

// leakCheckTransports are legal transports whose runtime, library or
// test runner holds descriptors and goroutines that are not leaks, beside
// transports that leak a pipe pair or a goroutine per pair, and one whose
// lazily started pool is not declared.
func leakCheckTransports() []harness.Transport {
	var trs []harness.Transport
	for _, e := range slices.Concat(zoo.Leaks(), zoo.Relays()) {
		if e.Kind == zoo.Legal || strings.HasPrefix(e.Transport.Name(), "zoo-leaks-") {
			trs = append(trs, e.Transport)
		}
	}
	return append(trs, zoo.Queue(), zoo.LazyPool(false))
}

// TestLeakCheckUnderGinkgoP runs the leak check where it is hardest: under
// ginkgo -p, whose output interceptor makes each next spec's capture pipe
// in the background, with GOMAXPROCS=1 so that pipe is made late, while
// the spec is opening its pair. The runtime's and Ginkgo's descriptors and
// goroutines must never be reported (legal transports, an io.Copy relay
// with the runtime's splice pipes among them, pass every spec); a
// transport's leaked pipe pair or goroutine always is (every spec on
// those fails); a library pool started by the first Pair is not blamed on
// any spec, and an undeclared one started by a Write is blamed on the
// first spec that writes in each process, and on no other.
func TestLeakCheckUnderGinkgoP(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command for go tool ginkgo")
	}
	const procs = 3
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	ctx, cancel := context.WithTimeout(t.Context(), zooTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "tool", "ginkgo", "run", "-p", fmt.Sprintf("--procs=%d", procs), "--no-color",
		"--label-filter="+string(catalogue.Contract), "--json-report="+report, exe, "--", "-test.run=^TestZooSpecs$")
	cmd.Dir = "../../.." // the module root, for go tool
	cmd.Env = append(os.Environ(), groupEnv+"="+leakCheckGroup, "GOMAXPROCS=1", "STREAMSPEC_REPORT_DIR=off")
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, runErr := cmd.CombinedOutput() // failing specs are the point
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report (%v, %v); output ends:\n%s", runErr, err, tail(string(out), 3000))
	}
	var suitesRun []types.Report
	if err := json.Unmarshal(data, &suitesRun); err != nil {
		t.Fatal(err)
	}
	byTransport := map[string][]types.SpecReport{}
	for _, s := range suitesRun {
		for _, r := range s.SpecReports {
			if r.LeafNodeType == types.NodeTypeIt && !(r.State == types.SpecStateSkipped) {
				byTransport[r.ContainerHierarchyTexts[0]] = append(byTransport[r.ContainerHierarchyTexts[0]], r)
			}
		}
	}
	t.Logf("ginkgo -p --procs=%d, GOMAXPROCS=1: %d transports in %v", procs, len(byTransport), time.Since(start).Round(100*time.Millisecond))
	factoryFound(t, byTransport)
	for _, tr := range leakCheckTransports() {
		name := tr.Name()
		reports := byTransport[name]
		if len(reports) == 0 {
			t.Errorf("%s: no spec ran", name)
			continue
		}
		var failed []types.SpecReport
		for _, r := range reports {
			if r.State.Is(types.SpecStateFailureStates) {
				failed = append(failed, r)
			}
		}
		switch name {
		case "zoo-leaks-descriptor":
			wantEvery(t, name, reports, "leaked after the spec", "pipe")
		case "zoo-leaks-goroutine":
			wantEvery(t, name, reports, "goroutines still running")
		case "zoo-lazy-pool-undeclared":
			if len(failed) == 0 || len(failed) > procs {
				t.Errorf("%s: %d specs failed, want 1 to %d (the first that writes, in each process)", name, len(failed), procs)
			}
			for _, r := range failed {
				if !strings.Contains(r.Failure.Message, "zoo.lazyWorker") {
					t.Errorf("%s %s: failed for another reason than its pool: %s", name, r.LeafNodeText, firstLine(r.Failure.Message))
				}
			}
		default:
			for _, r := range failed {
				t.Errorf("%s (legal) %s: %s", name, r.LeafNodeText, firstLine(r.Failure.Message))
			}
		}
		t.Logf("%s: %d of %d specs failed", name, len(failed), len(reports))
	}
}

// wantEvery asserts that every spec in reports failed with a message
// holding each fragment.
func wantEvery(t *testing.T, name string, reports []types.SpecReport, fragments ...string) {
	t.Helper()
	for _, r := range reports {
		msg := r.Failure.Message
		if r.State != types.SpecStateFailed || slices.ContainsFunc(fragments, func(f string) bool { return !strings.Contains(msg, f) }) {
			t.Errorf("%s %s: ended %s (%s), want a failure naming %q", name, r.LeafNodeText, r.State, firstLine(msg), fragments)
		}
	}
}

// factoryFound asserts that the leak check found Ginkgo's pipe factory
// parked before every baseline it took: if Ginkgo renames or reworks it,
// this fails here rather than as a rare false leak.
func factoryFound(t *testing.T, byTransport map[string][]types.SpecReport) {
	t.Helper()
	var waits []int64
	for name, reports := range byTransport {
		for _, r := range reports {
			for _, e := range r.ReportEntries {
				if e.Name != report.EntryLeakCheck {
					continue
				}
				var v struct {
					State    string `json:"ginkgo_pipe_factory"`
					WaitedUs int64  `json:"waited_us"`
				}
				if err := json.Unmarshal([]byte(e.Value.AsJSON), &v); err != nil || v.State != "parked" {
					t.Errorf("%s %s: the leak check found Ginkgo's pipe factory %q (%v)", name, r.LeafNodeText, v.State, err)
				}
				waits = append(waits, v.WaitedUs)
			}
		}
	}
	if len(waits) == 0 {
		t.Fatal("no spec recorded what the leak check found of Ginkgo's pipe factory")
	}
	t.Logf("Ginkgo's pipe factory found parked before %d baselines, longest wait %d us", len(waits), slices.Max(waits))
}
