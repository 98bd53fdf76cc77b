package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/report"
)

func write(t *testing.T, dir, env, unix string) string {
	t.Helper()
	r := report.New(report.Environment{ID: env, OS: env, Arch: "amd64", GoVersion: "go1.26.8", Date: "2026-01-02T03:04:05Z"})
	r.AddBehaviour(report.Behaviour{ID: "close-with-unread-data", Area: "close", Class: "observed"})
	for _, tr := range []struct{ name, kind, summary string }{{"tcp4", "tcp", "ECONNRESET"}, {"unix", "unix", unix}} {
		r.AddTransport(report.Transport{Name: tr.name, Env: env, Kind: tr.kind})
		r.AddResult(report.Result{Behaviour: "close-with-unread-data", Transport: tr.name, Env: env, Verdict: report.Pass, Summary: tr.summary})
	}
	r.Derive()
	path := filepath.Join(dir, env+".json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := r.JSON(f); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	a, b := write(t, dir, "linux", "ECONNRESET"), write(t, dir, "darwin", "EOF")
	out := filepath.Join(dir, "merged")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"merge", "-o", out, a, b}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"tcp4@linux", "unix@darwin", "differs by OS: linux: same on every transport tested: ECONNRESET; darwin: differs: tcp4 vs unix"} {
		if !strings.Contains(strings.Join(strings.Fields(stdout.String()), " "), want) {
			t.Errorf("printed matrix lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, f := range report.Files {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	stdout.Reset()
	if code := run([]string{"show", "-format", "md", filepath.Join(out, "conformance.json")}, &stdout, &stderr); code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "| linux |") || !strings.Contains(stdout.String(), "| darwin |") {
		t.Errorf("the merged Markdown lacks an environment:\n%s", stdout.String())
	}
}

func TestUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	for _, args := range [][]string{nil, {"frobnicate"}, {"merge"}, {"show"}, {"show", "-format", "pdf", "x.json"}} {
		stderr.Reset()
		if code := run(args, &stdout, &stderr); code == 0 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
	if code := run([]string{"show", filepath.Join(t.TempDir(), "missing.json")}, &stdout, &stderr); code != 1 {
		t.Errorf("a missing file: exit %d", code)
	}
}

// verdicts passes two runs whose verdict columns agree and fails, naming
// the row, two that do not.
func TestVerdicts(t *testing.T) {
	a := write(t, t.TempDir(), "linux", "ECONNRESET")
	same := write(t, t.TempDir(), "linux", "ECONNRESET")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"verdicts", a, same}, &stdout, &stderr); code != 0 {
		t.Fatalf("the same run: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	b := write(t, t.TempDir(), "linux", "EOF")
	stdout.Reset()
	if code := run([]string{"verdicts", a, b}, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String(), "close-with-unread-data") {
		t.Errorf("differing runs: exit %d, printed:\n%s", code, stdout.String())
	}
	t.Logf("%s%s", stdout.String(), stderr.String())
}
