package suites

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/parent"
)

// ChildEnv names the test a child run of Run is for (see Run).
const childEnv = "STREAMSPEC_RUN_CHILD"

// The test that ran the specs in this process, and its name for the report.
var (
	ranMu   sync.Mutex
	ranIn   *testing.T
	runTest string
)

// Run runs the whole catalogue against transports under go test. Ginkgo's
// flags (-ginkgo.label-filter, -ginkgo.json-report, -ginkgo.v) apply.
//
// Ginkgo runs one suite per process, so the first Run in a test binary
// runs its specs in the process, and a later one, in another test (one
// transport per test), runs its test again in a child process,
// -test.run=^TestName$, where it is the first; the child's output appears
// in the parent's and its verdict is the test's. Under ginkgo -p only
// parallel process 1 starts the child. Calling Run twice in one test
// fails: pass every transport to one call.
func Run(t *testing.T, transports ...harness.Transport) {
	t.Helper()
	if msg := ginkgoDroppedFlags(os.Args[1:], parent.Name()); msg != "" {
		t.Fatal(msg)
	}
	ranMu.Lock()
	first := ranIn
	if first == nil {
		ranIn, runTest = t, t.Name()
	}
	ranMu.Unlock()
	switch {
	case first == nil:
		for _, tr := range transports {
			DescribeConformance(tr)
		}
		RegisterFailHandler(Fail)
		RunSpecs(departuresT{t}, "streamspec")
	case first == t:
		t.Fatalf("suites.Run was called twice in %s: Ginkgo runs one suite per process. Pass every transport to one call, suites.Run(t, a, b), or give each its own test", t.Name())
	default:
		runChild(t)
	}
}

// runChild runs t again in a child process of the test binary and fails t
// if the child fails.
func runChild(t *testing.T) {
	t.Helper()
	if suite, _ := GinkgoConfiguration(); suite.ParallelTotal > 1 && suite.ParallelProcess != 1 {
		t.Skipf("%s runs in a child process of parallel process 1", t.Name())
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("%s: the specs already ran in this process and the test binary cannot be found to run them again: %v", t.Name(), err)
	}
	cmd := exec.CommandContext(t.Context(), exe, childArgs(os.Args[1:], t.Name())...)
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: starting the child process for its specs: %v", t.Name(), err)
	}
	relay(os.Stdout, out)
	if err := cmd.Wait(); err != nil {
		t.Errorf("%s failed: the specs ran in a child process (the first suites.Run in this binary ran in-process), which ended with %v; its output is above", t.Name(), err)
	}
}

// relay copies a child test binary's output, less the go test framing
// (=== RUN, --- PASS, the final PASS or FAIL) that the parent prints for
// the test itself.
func relay(w io.Writer, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if framing.MatchString(line) {
			continue
		}
		fmt.Fprintln(w, line)
	}
}

var framing = regexp.MustCompile(`^(=== (RUN|PAUSE|CONT|NAME) |\s*--- (PASS|FAIL|SKIP): |PASS$|FAIL$|coverage: )`)

// childArgs are the parent's arguments for a child that runs only test:
// without the parent's -test.run, count, shuffle and output files (which
// go test reads after the parent exits), and without Ginkgo's parallel
// settings (the child runs on its own); Ginkgo's report files get the
// test's name, so the parent's stay.
func childArgs(args []string, test string) []string {
	var parts []string
	for _, p := range strings.Split(test, "/") {
		parts = append(parts, "^"+regexp.QuoteMeta(p)+"$")
	}
	out := []string{"-test.run=" + strings.Join(parts, "/"), "-test.count=1"}
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			out = append(out, args[i])
			continue
		}
		if f := flag.Lookup(name); f != nil && !hasValue && !isBool(f) && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
		}
		switch {
		case dropped(name):
			continue
		case renamed[name] && hasValue:
			value = withTest(value, test)
		}
		if hasValue {
			out = append(out, "-"+name+"="+value)
		} else {
			out = append(out, "-"+name)
		}
	}
	return out
}

func dropped(name string) bool {
	switch name {
	case "test.run", "test.count", "test.shuffle", "test.testlogfile", "test.coverprofile", "test.cpuprofile",
		"test.memprofile", "test.blockprofile", "test.mutexprofile", "test.trace", "test.fuzzcachedir":
		return true
	}
	return strings.HasPrefix(name, "ginkgo.parallel.")
}

var renamed = map[string]bool{"ginkgo.json-report": true, "ginkgo.junit-report": true, "ginkgo.teamcity-report": true}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// withTest puts the test's name before a file's extension:
// report.json -> report.TestQueue.json.
func withTest(file, test string) string {
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "." + strings.ReplaceAll(test, "/", "_") + ext
}

// ginkgoDroppedFlags explains, when the Ginkgo CLI ran this test binary as
// a plain go test package, that Ginkgo's flags never reached it, and what
// to add; "" otherwise. The CLI runs a package as a Ginkgo suite, passing
// --ginkgo.* flags (a seed at least), only when one of its _test.go files
// names Ginkgo (ginkgo/internal/test_suite.go filesHaveGinkgoSuite); else
// it passes only go test's own and silently drops --label-filter, --focus,
// -p and --json-report.
func ginkgoDroppedFlags(args []string, parent string) string {
	if parent != "ginkgo" {
		return ""
	}
	for _, a := range args {
		if strings.HasPrefix(strings.TrimLeft(a, "-"), "ginkgo.") {
			return ""
		}
	}
	return "streamspec: ginkgo ran this package as a plain go test package, so its flags (--label-filter, --focus, -p, --json-report) never reached it. " +
		"Ginkgo treats a package as a suite only if a _test.go file imports Ginkgo: add\n\n\t_ \"github.com/onsi/ginkgo/v2\" // ginkgo run passes its flags to this package\n\n" +
		"to the imports of the file that calls suites.Run, or run it with go test"
}
