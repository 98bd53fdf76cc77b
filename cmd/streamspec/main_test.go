package main

import (
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
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
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
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
				"--report-dir", dir}, c.filter...)...)
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

// runIn runs the command in this process, as far as it gets before any
// spec runs (Ginkgo runs one suite per process).
func runIn(args ...string) (stdout, stderr string, status int) {
	var o, e strings.Builder
	status = run(args, &o, &e)
	return o.String(), e.String(), status
}

// -h and its spellings list the commands on standard output and exit 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"-help"}, {"--help"}, {"help"}} {
		stdout, stderr, status := runIn(args...)
		if status != 0 || stderr != "" {
			t.Errorf("streamspec %v: exit status %d, stderr %q; want 0 and nothing", args, status, stderr)
		}
		for _, want := range []string{"usage: streamspec <command>", "\n  through ", "\n  version ", "streamspec <command> -h"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("streamspec %v: the usage lacks %q:\n%s", args, want, stdout)
			}
		}
		// Every command listed is one the command runs: no stubs.
		for l := range strings.Lines(stdout[strings.Index(stdout, "commands:"):]) {
			if f := strings.Fields(l); strings.HasPrefix(l, "  ") && len(f) > 0 {
				if _, ok := commands[f[0]]; !ok {
					t.Errorf("the usage lists %q, which is no command", f[0])
				}
			}
		}
	}
	// With no command at all, the usage goes to standard error: exit 2.
	if stdout, stderr, status := runIn(); status != 2 || stdout != "" || !strings.Contains(stderr, "usage: streamspec") {
		t.Errorf("streamspec: exit status %d, stdout %q, stderr %q; want 2 and the usage on stderr", status, stdout, stderr)
	}
}

// through -h shows streamspec's own flags, each once, --dial first, and
// none of Ginkgo's.
func TestThroughHelp(t *testing.T) {
	for _, args := range [][]string{{"through", "-h"}, {"through", "--help"}, {"help", "through"}, {"through", "--dial", "x", "-h"}} {
		stdout, stderr, status := runIn(args...)
		if status != 0 || stderr != "" {
			t.Errorf("streamspec %v: exit status %d, stderr %q; want 0 and nothing", args, status, stderr)
		}
		if !strings.HasPrefix(stdout, "usage: streamspec through --dial ADDR --upstream ADDR") {
			t.Errorf("streamspec %v: no usage line first:\n%s", args, stdout)
		}
		dial := strings.Index(stdout, "--dial ADDR  ")
		if dial < 0 {
			t.Fatalf("streamspec %v: no --dial:\n%s", args, stdout)
		}
		if g := strings.Index(stdout, "-ginkgo."); g >= 0 && g < dial {
			t.Errorf("streamspec %v: a Ginkgo flag before --dial:\n%s", args, stdout)
		}
		for _, unwanted := range []string{"do not set them manually", "--ginkgo.", "streamspec.horizon", "streamspec.report-dir", "test."} {
			if strings.Contains(stdout, unwanted) {
				t.Errorf("streamspec %v: the usage shows %q:\n%s", args, unwanted, stdout)
			}
		}
		seen := map[string]bool{}
		for l := range strings.Lines(stdout) {
			if !strings.HasPrefix(l, "  -") {
				continue
			}
			name := strings.TrimLeft(strings.Fields(l)[0], "-")
			if seen[name] {
				t.Errorf("streamspec %v: -%s listed twice:\n%s", args, name, stdout)
			}
			seen[name] = true
		}
		for _, want := range []string{"dial", "upstream", "connect", "socks5", "proxy-auth", "proxy-kind", "repeat", "name", "horizon", "report-dir",
			"label-filter", "focus", "v", "no-color"} {
			if !seen[want] {
				t.Errorf("streamspec %v: -%s not listed:\n%s", args, want, stdout)
			}
		}
	}
}

// Misuse exits 2 with one line on standard error that says where the
// usage is, and nothing on standard output.
func TestMisuse(t *testing.T) {
	proxy := []string{"through", "--dial", "127.0.0.1:1", "--upstream", "127.0.0.1:2"}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"bogus"}, `unknown command "bogus"; run 'streamspec -h' for usage`},
		{[]string{"-bogus"}, "unknown flag -bogus"},
		{[]string{"help", "bogus"}, `unknown help topic "bogus"`},
		{[]string{"through", "--bogus"}, "flag provided but not defined: -bogus; run 'streamspec through -h' for usage"},
		{[]string{"through", "-ginkgo.no-color"}, "flag provided but not defined: -ginkgo.no-color"},
		{[]string{"through", "--dial"}, "flag needs an argument: -dial"},
		{[]string{"through"}, "--dial and --upstream are required"},
		{[]string{"through", "--dial", "127.0.0.1:1"}, "--dial and --upstream are required"},
		{append(proxy, "extra"), `unexpected argument "extra"`},
		{append(proxy, "--horizon", "soon"), "invalid value \"soon\" for flag -horizon"},
		{append(proxy, "--horizon", "-1s"), "--horizon -1s: want a positive duration"},
		{append(proxy, "--label-filter", "contract &&"), `--label-filter "contract &&": Unexpected EOF`},
		{append(proxy, "--focus", "("), "--focus: error parsing regexp"},
		{append(proxy, "--connect", "--socks5"), "--connect and --socks5: a proxy is one or the other"},
		{append(proxy, "--proxy-auth", "u:p"), "--proxy-auth is for --connect or --socks5"},
		{append(proxy, "--connect", "--proxy-auth", "nocolon"), "--proxy-auth: want USER:PASSWORD"},
		{append(proxy, "--socks5", "--proxy-auth", "u:"+strings.Repeat("p", 256)), "at most 255 bytes each (RFC 1929)"},
		{append(proxy, "--repeat", "0"), "--repeat 0: want a count of runs, 1 or more"},
		{append(proxy, "--repeat", "many"), `invalid value "many" for flag -repeat`},
		{append(proxy, "--proxy-kind", "envoy"), `--proxy-kind "envoy": streamspec knows the settings of haproxy, nginx, stunnel, socat, tinyproxy or dante`},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
	} {
		stdout, stderr, status := runIn(c.args...)
		if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.says) ||
			!strings.Contains(stderr, "; run 'streamspec") {
			t.Errorf("streamspec %q: exit status %d, stdout %q, stderr %q; want 2 and one line on stderr saying %q",
				c.args, status, stdout, stderr, c.says)
		}
	}
}

func TestVersion(t *testing.T) {
	stdout, stderr, status := runIn("version")
	if f := strings.Fields(stdout); status != 0 || stderr != "" || len(f) != 4 || f[0] != "streamspec" || f[1] == "" {
		t.Errorf("streamspec version: exit status %d, stdout %q, stderr %q; want 0 and streamspec VERSION GO OS/ARCH", status, stdout, stderr)
	}
}

// forward is a proxy in this process: it accepts on a loopback address
// and copies each connection to and from upstream. halfClose passes a
// FIN on (CloseWrite); without it, the first EOF closes both connections.
func forward(t *testing.T, halfClose bool) (dial, upstream string) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	upstream, err = transports.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp4", upstream)
				if err != nil {
					return
				}
				defer u.Close()
				done := make(chan struct{}, 2)
				pipe := func(dst, src net.Conn) {
					_, _ = io.Copy(dst, src)
					if halfClose {
						_ = dst.(*net.TCPConn).CloseWrite()
					} else {
						c.Close()
						u.Close()
					}
					done <- struct{}{}
				}
				go pipe(u, c)
				go pipe(c, u)
				<-done
				<-done
			}()
		}
	}()
	return ln.Addr().String(), upstream
}

// The command runs the specs through a proxy and exits 0 when they pass,
// 1 when one fails; its output, to a pipe, has no colour, though TERM
// asks for it.
func TestCommandThroughForwarder(t *testing.T) {
	for _, c := range []struct {
		name      string
		halfClose bool
		status    int
		says      string
	}{
		{"half-closing", true, 0, "half-close "},
		{"closing", false, 1, "the reply to A's half-close was cut short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dial, upstream := forward(t, c.halfClose)
			dir := t.TempDir()
			t.Setenv("TERM", "xterm-256color")
			out, status := command(t, "through", "--dial", dial, "--upstream", upstream, "--name", "forwarder",
				"--report-dir", dir, "--focus", "^forwarder half-close$|(^| )half-close$")
			if status != c.status || !strings.Contains(out, c.says) {
				t.Errorf("exit status %d (want %d), output should say %q:\n%s", status, c.status, c.says, out)
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("colour in the output to a pipe:\n%q", out)
			}
			if _, err := os.Stat(filepath.Join(dir, "conformance.json")); err != nil {
				t.Errorf("no report file: %v", err)
			}
		})
	}
}

// The package comment, which go doc shows, lists the commands and
// through's flags as -h does.
func TestDocMatchesUsage(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]bool{}
	for l := range strings.Lines(f.Doc.Text()) {
		doc[strings.TrimSpace(l)] = true
	}
	help, _, _ := runIn("through", "-h")
	usage, _, _ := runIn("-h")
	for l := range strings.Lines(help + usage) {
		if strings.HasPrefix(l, "  ") && strings.TrimSpace(l) != "" && !doc[strings.TrimSpace(l)] {
			t.Errorf("the package comment lacks the usage's line %q", strings.TrimSpace(l))
		}
	}
}

// The proxies -h lists for --proxy-kind are the ones streamspec knows.
func TestProxyKindsListed(t *testing.T) {
	help, _, _ := runIn("through", "-h")
	if !strings.Contains(strings.Join(strings.Fields(help), " "), "setting: "+kindList()+" (default") {
		t.Errorf("the usage does not list the known proxies, %s:\n%s", kindList(), help)
	}
}

// A proxy that is down stops the run at its first spec, with one message
// and exit status 1, in well under 2 s.
func TestCommandProxyDown(t *testing.T) {
	down, err := transports.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	upstream, err := transports.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, status := command(t, "through", "--dial", down, "--upstream", upstream, "--report-dir", "off", "--name", "haproxy")
	took := time.Since(start)
	if !strings.Contains(out, "if the proxy is haproxy, add --proxy-kind haproxy") {
		t.Errorf("a --name streamspec knows the settings of, without --proxy-kind, gets no suggestion:\n%s", out)
	}
	if status != 1 || strings.Count(out, "connection refused") != 1 || !strings.Contains(out, "Summarizing 1 Failure") || !strings.Contains(out, "Ran 1 of") {
		t.Errorf("exit status %d, want 1 and one failure saying connection refused:\n%s", status, out)
	}
	if took > 2*time.Second {
		t.Errorf("took %v", took)
	}
}

// A wrong --upstream, where the proxy forwards to another live server,
// costs one pair bound: the run stops with Through's own diagnosis,
// naming both addresses, and no "hung".
func TestCommandWrongUpstream(t *testing.T) {
	dial, forwardsTo := forward(t, true)
	sink, err := net.Listen("tcp4", forwardsTo)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	go func() {
		for {
			c, err := sink.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	upstream, err := transports.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, status := command(t, "through", "--dial", dial, "--upstream", upstream, "--report-dir", "off")
	took := time.Since(start)
	for _, want := range []string{"through " + dial + " to " + upstream, "no connection carrying them arrived at " + upstream + " within 2s",
		"nothing else arrived at " + upstream + " either: does the proxy forward there?", "Ran 1 of"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	if status != 1 || strings.Contains(out, "hung") {
		t.Errorf("exit status %d, want 1 and no hang:\n%s", status, out)
	}
	if took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	t.Logf("a wrong upstream: %v", took.Round(10*time.Millisecond))
}
