// Package examples_test checks the README's example as a user meets it: in
// a module of their own outside this repository, run by go test and by
// the Ginkgo CLI with its flags.
package examples_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// TestUserModule builds a scratch module outside the repository whose one
// test is examples/gotest's, replacing streamspec with this checkout, and
// runs it with go tool ginkgo run --label-filter=contract --json-report:
// the report must hold the contract specs and only them. Without the
// Ginkgo import the same run must fail at once, saying what to add.
func TestUserModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Ginkgo CLI and a module of its own")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := userModule(t, repo)
	example, err := os.ReadFile(filepath.Join(repo, "examples", "gotest", "example_test.go"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ginkgo honours its flags", func(t *testing.T) {
		writeTest(t, dir, example)
		out, err := ginkgo(t, goBin, dir, "--label-filter=contract", "--json-report=report.json", "./framed")
		if err != nil {
			t.Fatalf("go tool ginkgo run failed: %v\n%s", err, out)
		}
		contract, other := ran(t, filepath.Join(dir, "report.json"), func(s types.SpecReport) bool { return slices.Contains(s.LeafNodeLabels, "contract") })
		if len(contract) == 0 || len(other) > 0 {
			t.Errorf("the report holds %d contract specs and %d others (%s): the label filter did not reach the package\n%s",
				len(contract), len(other), strings.Join(other, ", "), out)
		}

		out, err = ginkgo(t, goBin, dir, "-p", "--focus=close", "--json-report=focus.json", "./framed")
		if err != nil {
			t.Fatalf("go tool ginkgo run -p --focus failed: %v\n%s", err, out)
		}
		closes, other := ran(t, filepath.Join(dir, "focus.json"), func(s types.SpecReport) bool { return strings.Contains(s.LeafNodeText, "close") })
		if len(closes) == 0 || len(other) > 0 || !strings.Contains(out, "parallel") {
			t.Errorf("under -p --focus=close the report holds %d close specs and %d others (%s)\n%s", len(closes), len(other), strings.Join(other, ", "), out)
		}
	})

	t.Run("without the Ginkgo import it fails at once", func(t *testing.T) {
		plain := regexp.MustCompile(`(?m)^\s*_ "github.com/onsi/ginkgo/v2".*\n`).ReplaceAll(example, nil)
		if string(plain) == string(example) {
			t.Fatal("examples/gotest no longer imports Ginkgo: this check has nothing to remove")
		}
		writeTest(t, dir, plain)
		start := time.Now()
		out, err := ginkgo(t, goBin, dir, "--label-filter=contract", "./framed")
		if err == nil {
			t.Fatalf("ginkgo run passed on a package it ran as plain go test, ignoring --label-filter:\n%s", out)
		}
		if !strings.Contains(out, "ran this package as a plain go test package") || !strings.Contains(out, `_ "github.com/onsi/ginkgo/v2"`) {
			t.Errorf("the failure does not say what to add:\n%s", out)
		}
		t.Logf("failed as it should in %v (build included)", time.Since(start).Round(time.Millisecond))
	})
}

// userModule writes a module that requires streamspec, replaced by repo,
// with Ginkgo's CLI as a tool, and returns its directory.
func userModule(t *testing.T, repo string) string {
	t.Helper()
	dir := t.TempDir()
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The module's requirements are streamspec's own, so that the build
	// needs nothing but the module cache this checkout was built from.
	body := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(string(mod), "module example.com/framed")
	body += "\nrequire github.com/streamspec/streamspec v0.0.0\n\nreplace github.com/streamspec/streamspec => " + repo + "\n"
	write(t, filepath.Join(dir, "go.mod"), []byte(body))
	write(t, filepath.Join(dir, "go.sum"), sum)
	return dir
}

func writeTest(t *testing.T, dir string, src []byte) {
	t.Helper()
	src = regexp.MustCompile(`(?m)^package \w+`).ReplaceAll(src, []byte("package framed_test"))
	write(t, filepath.Join(dir, "framed", "framed_test.go"), src)
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ginkgo runs go tool ginkgo run in dir, bounded by five minutes (it
// builds the CLI on first use), with streamspec's report files off.
func ginkgo(t *testing.T, goBin, dir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, append([]string{"tool", "ginkgo", "run", "--no-color"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "STREAMSPEC_REPORT_DIR=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// ran splits the specs that ran (passed, failed or unsupported; not
// filtered out) in the Ginkgo report at path by want.
func ran(t *testing.T, path string, want func(types.SpecReport) bool) (wanted, other []string) {
	t.Helper()
	for _, s := range reportSpecs(t, path) {
		if s.LeafNodeType != types.NodeTypeIt || s.State == types.SpecStateSkipped && s.Failure.Message == "" {
			continue
		}
		if want(s) {
			wanted = append(wanted, s.LeafNodeText)
		} else {
			other = append(other, s.LeafNodeText)
		}
	}
	return wanted, other
}

func reportSpecs(t *testing.T, path string) []types.SpecReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no Ginkgo report: %v", err)
	}
	var suites []types.Report
	if err := json.Unmarshal(data, &suites); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var out []types.SpecReport
	for _, s := range suites {
		out = append(out, s.SpecReports...)
	}
	return out
}
