// Package manytests checks the README's one-transport-per-test pattern:
// several tests in one package, each calling suites.Run, each with its own
// verdict and its own report.
package manytests

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/onsi/ginkgo/v2" // ginkgo run treats a package as a suite only if its tests name Ginkgo

	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/suites/internal/zoo"
	"github.com/streamspec/streamspec/transports"
)

func TestNetPipe(t *testing.T) { suites.Run(t, transports.NetPipe()) }

func TestQueue(t *testing.T) { suites.Run(t, zoo.Queue()) }

// brokenEnv turns TestLostByte on; TestChildVerdicts sets it.
const brokenEnv = "STREAMSPEC_MANYTESTS_BROKEN"

// TestLostByte runs a transport that loses a byte: its specs fail.
func TestLostByte(t *testing.T) {
	if os.Getenv(brokenEnv) == "" {
		t.Skip("fails by design; TestChildVerdicts runs it")
	}
	i := slices.IndexFunc(zoo.Faults(), func(e zoo.Entry) bool { return e.Transport.Name() == "zoo-lost-byte" })
	suites.Run(t, zoo.Faults()[i].Transport)
}

// TestChildVerdicts runs TestQueue and then TestLostByte in a fresh test
// binary: the second runs in a child process, and its failure must reach
// the parent as that test's FAIL, with the spec's message, and each test
// must leave its own report.
func TestChildVerdicts(t *testing.T) {
	if os.Getenv(brokenEnv) != "" {
		t.Skip("runs the others")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), exe, "-test.run=^(TestQueue|TestLostByte)$", "-test.v",
		"-ginkgo.label-filter=integrity && contract", "-ginkgo.no-color", "-streamspec.report-dir="+dir+"/{package}/{test}")
	cmd.Env = append(os.Environ(), brokenEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("the run's output:\n%s", out)
	if err == nil {
		t.Error("the run passed, though TestLostByte's specs fail")
	}
	for _, want := range []string{"--- PASS: TestQueue", "--- FAIL: TestLostByte", "byte 1060921 of 67108864 differs", "ran in a child process"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the run's output does not say %q", want)
		}
	}
	if strings.Contains(string(out), "RunSpecs more than once") {
		t.Error("Ginkgo refused a second RunSpecs")
	}
	for _, test := range []string{"TestQueue", "TestLostByte"} {
		report := filepath.Join(dir, "suites", "internal", "manytests", test, "conformance.json")
		data, err := os.ReadFile(report)
		if err != nil {
			t.Errorf("%s left no report of its own: %v", test, err)
			continue
		}
		transport := map[string]string{"TestQueue": "zoo-queue", "TestLostByte": "zoo-lost-byte"}[test]
		if !strings.Contains(string(data), `"`+transport+`"`) {
			t.Errorf("%s's report does not name %s", test, transport)
		}
	}
}
