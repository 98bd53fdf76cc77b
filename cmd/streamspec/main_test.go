package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports"
)

// mainEnv makes the test binary run the command instead of the tests.
const mainEnv = "STREAMSPEC_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) != "" {
		os.Exit(run(os.Args[1:], os.Stderr))
	}
	os.Exit(m.Run())
}

// haproxyConfig forwards what it accepts on descriptor 3 to {upstream}, in
// TCP mode with Debian's shipped timeouts; timeouts adds lines to it.
const haproxyConfig = `global
    maxconn 256
defaults
    mode tcp
    timeout connect 5s
    timeout client 50s
    timeout server 50s
%s
frontend fe
    bind fd@3
    default_backend be
backend be
    server upstream %s
`

// startHaproxy runs haproxy in the foreground, listening on a socket the
// test holds (so no other process can take the port), forwarding to a
// free upstream address; it returns both addresses and is stopped with
// the test.
func startHaproxy(t *testing.T, extra string) (dial, upstream string) {
	t.Helper()
	if _, err := exec.LookPath("haproxy"); err != nil {
		t.Skip("haproxy not installed (make tools installs it from Debian's package): ", err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	upstream, err = transports.FreeAddr() // outside the ephemeral range: no other process's connection takes it
	if err != nil {
		t.Fatal(err)
	}

	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(haproxyConfig, extra, upstream)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("haproxy", "-db", "-f", cfg)
	cmd.ExtraFiles = []*os.File{f}
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("haproxy's output:\n%s", stderr.String())
		}
	})
	return ln.Addr().String(), upstream
}

// Through validates a haproxy the test started, in this process: every
// spec runs, the contract holds, and the reset rows show haproxy passing
// a reset from the client on to the server but turning one from the
// server into EOF.
func TestThroughHaproxy(t *testing.T) {
	dial, upstream := startHaproxy(t, "")
	dir := t.TempDir()
	t.Setenv("STREAMSPEC_REPORT_DIR", dir)
	suites.Run(t, transports.Through("haproxy", dial, upstream))

	f, err := os.Open(filepath.Join(dir, "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := report.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"abortive-close-by-a": "read: data, ECONNRESET, EOF; write: EPIPE",
		"abortive-close":      "read: data, EOF; ",
		"lifetimes":           "A half-closed: survived; B half-closed: survived; idle: survived",
	}
	for _, r := range rep.Results {
		if w, ok := want[r.Behaviour]; ok {
			if got, _ := r.Values["outcome"].(string); !strings.HasPrefix(got, w) {
				t.Errorf("%s through haproxy: outcome %q, want %q", r.Behaviour, got, w)
			}
			delete(want, r.Behaviour)
		}
	}
	for b := range want {
		t.Errorf("no %s result in the report", b)
	}
}

// The command prints the matrix, writes the report files and exits 0
// through a haproxy that passes; through one whose server-fin timeout
// (500 ms) cuts a connection the client half-closed once the server has
// been silent that long, it exits 1 and says the reply sent after 1 s of
// silence was lost.
func TestCommandThroughHaproxy(t *testing.T) {
	for _, c := range []struct {
		name, extra string
		filter      []string
		status      int
		says        string
	}{
		{"default", "", []string{"--label-filter", "contract && close"}, 0, "half-close-reply-after-sil… ✓"},
		{"server-fin", "    timeout server-fin 500ms", []string{"--focus", "half-close-reply-after-silence"}, 1,
			"reply B sent after 1s of silence was lost"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dial, upstream := startHaproxy(t, c.extra)
			dir := t.TempDir()
			out, status := command(t, append([]string{"through", "--dial", dial, "--upstream", upstream, "--name", "haproxy",
				"--report-dir", dir, "-ginkgo.no-color"}, c.filter...)...)
			if status != c.status || !strings.Contains(out, c.says) {
				t.Errorf("exit status %d (want %d), output should say %q:\n%s", status, c.status, c.says, out)
			}
			for _, file := range []string{"conformance.txt", "conformance.md", "conformance.json", "conformance.html"} {
				if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
					t.Errorf("no report file: %v", err)
				}
			}
		})
	}
}

// Bad usage exits 2 with the usage.
func TestCommandUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"walk"}, {"through", "--dial", "127.0.0.1:1"}} {
		if out, status := command(t, args...); status != 2 || !strings.Contains(out, "--upstream") {
			t.Errorf("streamspec %v: exit status %d, output %q; want 2 and the usage", args, status, out)
		}
	}
}

// command runs the test binary as the streamspec command, within a minute.
func command(t *testing.T, args ...string) (string, int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}
