package zoo_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/suites/internal/zoo"
)

// groupEnv names the zoo group a child process runs.
const groupEnv = "STREAMSPEC_ZOO_GROUP"

// Bounds of the self-test: the whole zoo, and one hostile spec.
const (
	zooTimeout   = 3 * time.Minute
	hostileBound = 5 * time.Second
)

// group is a set of zoo entries run in one child process, on the contract
// specs or, with all, on every spec.
type group struct {
	entries []zoo.Entry
	all     bool
	repeat  int // runs of the racy specs, if not one
}

// groups splits the zoo into runs that go at once, one process each: the
// CPU-bound faults and legal transports in three, on the contract; every
// hostile or slow transport alone, since it mostly waits, and every entry
// that runs the observed specs too alone, on every spec.
func groups() map[string]group {
	faults := slices.DeleteFunc(of(zoo.Broken), func(e zoo.Entry) bool { return e.Observed || e.Repeat > 0 })
	g := map[string]group{
		"legal":    {entries: slices.DeleteFunc(of(zoo.Legal), func(e zoo.Entry) bool { return e.Observed || e.Slow })},
		"faults-1": {entries: faults[:len(faults)/2]},
		"faults-2": {entries: faults[len(faults)/2:]},
	}
	for _, e := range entries() {
		switch {
		case e.Kind == zoo.Hostile || e.Observed:
			g[e.Transport.Name()] = group{entries: []zoo.Entry{e}, all: true}
		case e.Slow || e.Repeat > 0 || e.Kind == zoo.Library:
			g[e.Transport.Name()] = group{entries: []zoo.Entry{e}, repeat: e.Repeat}
		}
	}
	return g
}

// entries is the whole zoo, in table order.
func entries() []zoo.Entry {
	return slices.Concat(zoo.Faults(), zoo.Leaks(), zoo.Libraries(), zoo.Streams(), zoo.Relays(), zoo.Unusuals(), zoo.Hostiles())
}

// of returns the zoo's entries of one kind, in table order.
func of(kind zoo.Kind) []zoo.Entry {
	var out []zoo.Entry
	for _, e := range entries() {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// TestZooSpecs runs one group's contract specs; TestZoo starts it in a
// child process because the zoo's specs fail by design.
func TestZooSpecs(t *testing.T) {
	name := os.Getenv(groupEnv)
	if name == "" {
		t.Skip("the zoo's specs fail by design; TestZoo runs them in child processes")
	}
	var trs []harness.Transport
	for _, e := range groups()[name].entries {
		trs = append(trs, e.Transport)
	}
	if name == leakCheckGroup {
		trs = leakCheckTransports()
	}
	suites.Run(t, trs...)
}

// TestZoo runs every zoo group and checks the verdicts: each broken
// transport fails the spec that targets its fault, each legal one passes
// every contract spec it supports, and each hostile one fails in bounded
// time with a message that says what went wrong. Run with -v for the table.
func TestZoo(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), zooTimeout)
	defer cancel()
	dir := t.TempDir()
	var (
		mu    sync.Mutex
		specs = map[string][]types.SpecReport{} // by transport
		wg    sync.WaitGroup
	)
	start := time.Now()
	for name, g := range groups() {
		wg.Go(func() {
			reports, err := runGroup(ctx, exe, dir, name, g)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			}
			for _, r := range reports {
				tr := r.ContainerHierarchyTexts[0]
				specs[tr] = append(specs[tr], r)
			}
		})
	}
	wg.Wait()
	t.Logf("zoo: %d transports, %v wall", len(specs), time.Since(start).Round(100*time.Millisecond))

	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "transport\tfault or trait\tcaught by\ttime to verdict\talso failed")
	for _, e := range of(zoo.Broken) {
		fmt.Fprintln(tw, checkBroken(t, e, specs[e.Transport.Name()]))
	}
	for _, e := range of(zoo.Legal) {
		fmt.Fprintln(tw, checkLegal(t, e, specs[e.Transport.Name()]))
	}
	for _, e := range of(zoo.Library) {
		fmt.Fprintln(tw, checkLibrary(t, e, specs[e.Transport.Name()]))
	}
	for _, e := range of(zoo.Hostile) {
		fmt.Fprintln(tw, checkHostile(t, e, specs[e.Transport.Name()]))
	}
	tw.Flush()
	t.Log("\n" + table.String())
	for name, reports := range specs {
		for _, r := range reports {
			if why := notCauseFirst(r.Failure.Message); r.State.Is(types.SpecStateFailureStates) && why != "" {
				t.Errorf("%s %s: the failure's first line is %s, not streamspec's diagnosis: %q", name, r.LeafNodeText, why, firstLine(r.Failure.Message))
			}
		}
	}
}

// gomegaFraming starts the lines of a failure that Gomega, not streamspec,
// wrote: its assertions' framing and value dumps.
var gomegaFraming = regexp.MustCompile(`^(Expected|Timed out after|Failed after|Told to stop trying after|The function passed to|When passed a matcher|Unexpected error|Got:|to |[<{}])`)

// notCauseFirst says why msg's first line is not a diagnosis: Gomega's
// framing or a value dump; "" when it is one.
func notCauseFirst(msg string) string {
	l := firstLine(msg)
	switch {
	case l == "":
		return "empty"
	case gomegaFraming.MatchString(l):
		return "Gomega's framing"
	}
	return ""
}

// runGroup runs one group's contract specs in a child process and returns
// its contract spec reports, or every spec's with all.
func runGroup(ctx context.Context, exe, dir, name string, g group) ([]types.SpecReport, error) {
	all := g.all
	jsonPath, logPath := filepath.Join(dir, name+".json"), filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	filter := string(catalogue.Contract)
	if all {
		filter = ""
	}
	args := []string{"-test.run=^TestZooSpecs$", "-test.count=1", "-test.timeout=" + zooTimeout.String(),
		"-ginkgo.label-filter=" + filter, "-ginkgo.json-report=" + jsonPath, "-ginkgo.no-color", "-ginkgo.silence-skips",
		"-streamspec.report-dir=off"} // the groups run at once: their conformance reports would replace each other
	if g.repeat > 0 {
		args = append(args, fmt.Sprintf("-streamspec.repeat=%d", g.repeat))
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), groupEnv+"="+name)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run() // failing specs are the point: only a missing report or a hang is an error
	if ctx.Err() != nil {
		return nil, fmt.Errorf("zoo group %s did not exit within %v: %v", name, zooTimeout, runErr)
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		log, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("zoo group %s left no report (%v, %v); its output ends:\n%s", name, runErr, err, tail(string(log), 3000))
	}
	var suitesRun []types.Report
	if err := json.Unmarshal(data, &suitesRun); err != nil {
		return nil, fmt.Errorf("zoo group %s: %w", name, err)
	}
	var out []types.SpecReport
	for _, s := range suitesRun {
		for _, r := range s.SpecReports {
			wanted := r.LeafNodeType == types.NodeTypeIt && (all || slices.Contains(r.LeafNodeLabels, string(catalogue.Contract)))
			if wanted && (r.State != types.SpecStateSkipped || strings.HasPrefix(r.Failure.Message, report.UnsupportedPrefix) ||
				strings.HasPrefix(r.Failure.Message, report.UnavailablePrefix)) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// checkBroken asserts that e fails its target spec, and returns its row.
func checkBroken(t *testing.T, e zoo.Entry, reports []types.SpecReport) string {
	t.Helper()
	name := e.Transport.Name()
	var others []string
	for _, r := range reports {
		if r.LeafNodeText != e.Target && r.State.Is(types.SpecStateFailureStates) {
			others = append(others, r.LeafNodeText)
		}
	}
	for _, id := range e.Unsupported {
		i := slices.IndexFunc(reports, func(r types.SpecReport) bool { return r.LeafNodeText == id })
		if i < 0 || !strings.HasPrefix(reports[i].Failure.Message, report.UnsupportedPrefix) || reports[i].State != types.SpecStateSkipped {
			t.Errorf("%s (%s): %s must be unsupported, skipped before a pair is opened; got %v", name, e.What, id, stateOf(reports, i))
		}
	}
	verdict := "NOT CAUGHT"
	i := slices.IndexFunc(reports, func(r types.SpecReport) bool { return r.LeafNodeText == e.Target })
	switch {
	case i < 0:
		t.Errorf("%s (%s): its target spec %s did not run", name, e.What, e.Target)
	case strings.HasPrefix(reports[i].Failure.Message, report.UnavailablePrefix):
		verdict = reports[i].Failure.Message // socat not installed: nothing to prove here
	case reports[i].State != types.SpecStateFailed:
		t.Errorf("%s (%s): its target spec %s ended %s, want a failure: the spec cannot see this fault",
			name, e.What, e.Target, reports[i].State)
	case !strings.Contains(firstLine(reports[i].Failure.Message), e.Want):
		t.Errorf("%s (%s): its target spec %s failed for another reason, or not cause first: the first line %q does not say %q",
			name, e.What, e.Target, firstLine(reports[i].Failure.Message), e.Want)
	default:
		verdict = seconds(reports[i].RunTime)
		t.Logf("%s: %s: %s", name, e.Target, firstLine(reports[i].Failure.Message))
	}
	for id, want := range e.Outcomes {
		if got := outcome(reports, id); got != want {
			t.Errorf("%s (%s): %s recorded outcome %q, want %q", name, e.What, id, got, want)
		}
	}
	return row(name, e.What, e.Target, verdict, strings.Join(others, " "))
}

// checkLegal asserts that e passes every spec it supports, and runs those
// it must.
func checkLegal(t *testing.T, e zoo.Entry, reports []types.SpecReport) string {
	t.Helper()
	return checkVerdicts(t, e, reports, "passed all", nil)
}

// checkLibrary asserts that e fails exactly the contract specs it must
// (the library's documented departures) and passes every other spec it
// supports.
func checkLibrary(t *testing.T, e zoo.Entry, reports []types.SpecReport) string {
	t.Helper()
	return checkVerdicts(t, e, reports, "failed "+strings.Join(e.Fails, " ")+" only", e.Fails)
}

// checkVerdicts asserts that the specs in fails failed, every other spec
// passed or was unsupported, and no spec in e.MustRun was unsupported.
func checkVerdicts(t *testing.T, e zoo.Entry, reports []types.SpecReport, verdict string, fails []string) string {
	t.Helper()
	name := e.Transport.Name()
	if len(reports) == 0 {
		t.Errorf("%s: no spec ran", name)
	}
	var failed, skipped []string
	var slowest, all time.Duration
	for _, r := range reports {
		slowest, all = max(slowest, r.RunTime), all+r.RunTime
		mustFail := slices.Contains(fails, r.LeafNodeText)
		switch {
		case mustFail && r.State == types.SpecStateFailed:
			t.Logf("%s: %s: %s", name, r.LeafNodeText, firstLine(r.Failure.Message))
		case mustFail:
			t.Errorf("%s (%s): %s ended %s, want a failure", name, e.What, r.LeafNodeText, r.State)
		case r.State == types.SpecStatePassed:
		case r.State == types.SpecStateSkipped && (strings.HasPrefix(r.Failure.Message, report.UnsupportedPrefix) ||
			strings.HasPrefix(r.Failure.Message, report.UnavailablePrefix)):
			skipped = append(skipped, r.LeafNodeText)
			if slices.Contains(e.MustRun, r.LeafNodeText) {
				t.Errorf("%s (%s): %s did not run: %s", name, e.What, r.LeafNodeText, r.Failure.Message)
			}
		default:
			failed = append(failed, r.LeafNodeText)
			t.Errorf("%s (%s: %s): %s ended %s: %s", name, e.Kind, e.What, r.LeafNodeText, r.State, r.Failure.Message)
		}
	}
	for id, got := range recordedErrors(reports) {
		if want, ok := e.RecordsErrors[id]; !ok || !strings.Contains(got, want) {
			t.Errorf("%s (%s): %s recorded an error, not a measurement: %s", name, e.What, id, got)
		}
	}
	for id, want := range e.Outcomes {
		if got := outcome(reports, id); got != want {
			t.Errorf("%s (%s): %s recorded outcome %q, want %q", name, e.What, id, got, want)
		}
	}
	for _, id := range slices.Concat(fails, e.MustRun) {
		if !slices.ContainsFunc(reports, func(r types.SpecReport) bool { return r.LeafNodeText == id }) {
			t.Errorf("%s (%s): %s did not run", name, e.What, id)
		}
	}
	if len(skipped) > 0 {
		verdict += "; unsupported: " + strings.Join(skipped, " ")
	}
	return row(name, e.What, verdict, "slowest "+seconds(slowest)+", all "+seconds(all), strings.Join(failed, " "))
}

// checkHostile asserts that every spec e fails, fails within hostileBound
// with a message naming what went wrong, and that at least one does.
func checkHostile(t *testing.T, e zoo.Entry, reports []types.SpecReport) string {
	t.Helper()
	name := e.Transport.Name()
	var failed []string
	var slowest time.Duration
	example := ""
	for _, r := range reports {
		if !r.State.Is(types.SpecStateFailureStates) {
			continue
		}
		failed = append(failed, r.LeafNodeText)
		slowest = max(slowest, r.RunTime)
		msg := firstLine(r.Failure.Message)
		if r.LeafNodeText == catalogue.ReadDeadlines.ID || example == "" {
			example = r.LeafNodeText + ": " + msg
		}
		switch {
		case r.State == types.SpecStateAborted && !strings.Contains(r.Failure.Message, "first two pairs, opened at once, both failed"):
			t.Errorf("%s %s aborted the suite, though its transport did not fail its first pairs: %s", name, r.LeafNodeText, msg)
		case r.State != types.SpecStateFailed && r.State != types.SpecStateAborted:
			t.Errorf("%s %s ended %s, not by a harness bound: %s", name, r.LeafNodeText, r.State, msg)
		case !strings.Contains(r.Failure.Message, e.Want):
			t.Errorf("%s %s: failure %q does not say %q", name, r.LeafNodeText, msg, e.Want)
		case r.RunTime > cmp.Or(e.Bound, hostileBound):
			t.Errorf("%s %s took %v, more than %v", name, r.LeafNodeText, r.RunTime, cmp.Or(e.Bound, hostileBound))
		}
	}
	if len(failed) == 0 {
		t.Errorf("%s (%s): no spec failed", name, e.What)
	}
	if e.StopsEarly && (len(failed) != 1 || len(reports) != 1) {
		t.Errorf("%s (%s): %d specs ran and %d failed; its first two pairs fail, so its first spec must stop the suite", name, e.What, len(reports), len(failed))
	}
	return row(name, e.What, fmt.Sprintf("%d of %d specs failed", len(failed), len(reports)), "slowest "+seconds(slowest), example)
}

// outcome is the outcome the spec id recorded, from its observation
// entries.
func outcome(reports []types.SpecReport, id string) string {
	for _, r := range reports {
		if r.LeafNodeText != id {
			continue
		}
		for _, e := range r.ReportEntries {
			var o report.Observation
			if e.Name == report.EntryObservation && json.Unmarshal([]byte(e.Value.AsJSON), &o) == nil {
				if v, ok := o.Values["outcome"].(string); ok {
					return v
				}
			}
		}
	}
	return ""
}

// recordedErrors maps each observed spec that ended on an error (Case.must
// records it as the outcome) to that error.
func recordedErrors(reports []types.SpecReport) map[string]string {
	out := map[string]string{}
	for _, r := range reports {
		if b, ok := catalogue.Lookup(r.LeafNodeText); !ok || b.Class != catalogue.Observed {
			continue
		}
		for _, e := range r.ReportEntries {
			var o report.Observation
			if e.Name == report.EntryObservation && json.Unmarshal([]byte(e.Value.AsJSON), &o) == nil {
				if err, ok := o.Values["error"].(string); ok {
					out[r.LeafNodeText] = err
				}
			}
		}
	}
	return out
}

// stateOf says how reports[i] ended, for a message.
func stateOf(reports []types.SpecReport, i int) string {
	if i < 0 {
		return "no result"
	}
	return reports[i].State.String() + ": " + firstLine(reports[i].Failure.Message)
}

func row(cells ...string) string { return strings.Join(cells, "\t") }

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// firstLine returns what a failure message says happened: its first two
// lines that are not Gomega's framing ("Timed out after 2s.") or a dump.
func firstLine(msg string) string {
	for l := range strings.Lines(msg) {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }
