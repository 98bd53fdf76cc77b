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

// -h and its spellings list the commands; a command's -h shows its
// flags; all on standard output, with exit status 0.
func TestHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		says []string
	}{
		{[]string{"-h"}, []string{"usage: streamspec-report <command>", "\n  merge ", "\n  show ", "\n  expectations "}},
		{[]string{"-help"}, []string{"usage: streamspec-report <command>"}},
		{[]string{"--help"}, []string{"usage: streamspec-report <command>"}},
		{[]string{"help"}, []string{"usage: streamspec-report <command>"}},
		{[]string{"merge", "-h"}, []string{"usage: streamspec-report merge [-o DIR]", "\n  -o directory", "\n  -no-color"}},
		{[]string{"help", "merge"}, []string{"usage: streamspec-report merge [-o DIR]"}},
		{[]string{"show", "--help"}, []string{"usage: streamspec-report show", "\n  -format string", "\n  -color auto"}},
		{[]string{"expectations", "-h"}, []string{"usage: streamspec-report expectations report.json"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != 0 || stderr.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q; want 0 and nothing", c.args, code, stderr.String())
		}
		for _, want := range c.says {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%q: the usage lacks %q:\n%s", c.args, want, stdout.String())
			}
		}
	}
}

// Misuse exits 2 with one line on standard error saying where the usage
// is; a report that cannot be read exits 1.
func TestMisuse(t *testing.T) {
	report := write(t, t.TempDir(), "linux", "ECONNRESET")
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"frobnicate"}, `streamspec-report: unknown command "frobnicate"; run 'streamspec-report -h' for usage`},
		{[]string{"-x"}, "unknown flag -x"},
		{[]string{"help", "frobnicate"}, `unknown help topic "frobnicate"`},
		{[]string{"merge"}, "streamspec-report merge: no reports given; run 'streamspec-report merge -h' for usage"},
		{[]string{"merge", "-bogus", report}, "flag provided but not defined: -bogus"},
		{[]string{"merge", "-o"}, "flag needs an argument: -o"},
		{[]string{"show"}, "streamspec-report show: give one report"},
		{[]string{"show", report, report}, "give one report"},
		{[]string{"show", "-format", "pdf", report}, `unknown format "pdf"`},
		{[]string{"show", "-color", "blue", report}, `invalid value "blue" for flag -color`},
		{[]string{"expectations"}, "streamspec-report expectations: give one report"},
		{[]string{"expectations", "-v", report}, "flag provided but not defined: -v"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), c.says) ||
			!strings.Contains(stderr.String(), "; run 'streamspec-report") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line saying %q", c.args, code, stdout.String(), stderr.String(), c.says)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "usage: streamspec-report") {
		t.Errorf("no command: exit %d, stderr %q; want 2 and the usage", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"show", filepath.Join(t.TempDir(), "missing.json")}, &stdout, &stderr); code != 1 || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("a missing file: exit %d, stderr %q; want 1 and one line", code, stderr.String())
	}
}

// The matrix is coloured only on a terminal or when asked: a file, like
// a pipe, gets none, though TERM asks for colour.
func TestColor(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	dir := t.TempDir()
	a, b := write(t, dir, "linux", "ECONNRESET"), write(t, dir, "darwin", "EOF")
	for _, c := range []struct {
		args  []string
		color bool
	}{
		{[]string{"show", a}, false},
		{[]string{"show", "-color", "auto", a}, false},
		{[]string{"show", "-color", "always", a}, true},
		{[]string{"show", "-color", "always", "-no-color", a}, false},
		{[]string{"merge", "-o", filepath.Join(dir, "merged"), a, b}, false},
		{[]string{"merge", "-color", "always", "-o", filepath.Join(dir, "merged"), a, b}, true},
	} {
		out, err := os.Create(filepath.Join(dir, "stdout"))
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		code := run(c.args, out, &stderr)
		out.Close()
		got, err := os.ReadFile(out.Name())
		if err != nil {
			t.Fatal(err)
		}
		if code != 0 || strings.Contains(string(got), "\x1b[") != c.color {
			t.Errorf("%q to a file: exit %d (%s), colour %v; want 0 and colour %v:\n%s", c.args, code, stderr.String(), !c.color, c.color, got)
		}
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
