package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/streamspec/streamspec/transports"
)

// tinyproxyConfig is an HTTP CONNECT proxy on {port}, for loopback
// clients with user:secret, every port allowed (no ConnectPort line), with
// the idle timeout Debian's tinyproxy.conf ships.
const tinyproxyConfig = `Port %s
Listen 127.0.0.1
Timeout 600
LogLevel Warning
MaxClients 100
Allow 127.0.0.1
BasicAuth user secret
`

// danteConfig is a SOCKS5 proxy on {port} for loopback clients, without
// authentication, connecting out from loopback.
const danteConfig = `logoutput: stderr
internal: 127.0.0.1 port = %s
external: 127.0.0.1
clientmethod: none
socksmethod: none
%s
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }
`

// startProxy runs a proxy command from Debian's packages in the foreground
// with config (its %s: a free port, then extra) in a file, waits until it
// accepts, and stops it with the test; it returns its address and a free
// upstream address. Without the command the test is skipped, saying which
// package has it.
func startProxy(t *testing.T, command, pkg, config, extra string, args ...string) (dial, upstream string) {
	t.Helper()
	if _, err := exec.LookPath(command); err != nil {
		t.Skipf("%s not installed (make tools installs it from Debian's %s): %v", command, pkg, err)
	}
	dial, err := transports.FreeAddr() // the proxy binds it itself: outside the ephemeral range, no other process takes it
	if err != nil {
		t.Fatal(err)
	}
	if upstream, err = transports.FreeAddr(); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(dial)
	file := filepath.Join(t.TempDir(), command+".conf")
	if err := os.WriteFile(file, []byte(fmt.Sprintf(config, port, extra)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(command, append(args, file)...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(2 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s's output:\n%s", command, out.String())
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp4", dial)
		if err == nil {
			c.Close()
			return dial, upstream
		}
		select {
		case err := <-exited:
			t.Fatalf("%s exited: %v\n%s", command, err, out.String())
		case <-ctx.Done():
			t.Fatalf("%s did not accept on %s within 5s: %v\n%s", command, dial, err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startTinyproxy runs tinyproxy 1.11 (Debian's tinyproxy-bin).
func startTinyproxy(t *testing.T) (dial, upstream string) {
	return startProxy(t, "tinyproxy", "tinyproxy-bin", tinyproxyConfig+"%s", "", "-d", "-c")
}

// startDante runs Dante's danted (Debian's dante-server), as one process.
func startDante(t *testing.T, extra string) (dial, upstream string) {
	return startProxy(t, "danted", "dante-server", danteConfig, extra, "-N", "1", "-f")
}

// through --connect and --socks5 run every spec through a real HTTP
// CONNECT proxy and a real SOCKS5 server: all but the unsupported ones run
// (the endpoint is the dialled TCP socket), Dante passes the contract, and
// tinyproxy, which ends the relay on an EOF from either side, fails the
// two half-close specs in every run, with the general hint: tinyproxy has
// no setting for it.
func TestCommandThroughConnectAndSocks5(t *testing.T) {
	for _, c := range []struct {
		name   string
		start  func(t *testing.T) (string, string)
		flags  []string
		status int
		says   []string
	}{
		{"dante", func(t *testing.T) (string, string) { return startDante(t, "") }, []string{"--socks5", "--proxy-kind", "dante"}, 0,
			[]string{"Passed | 0 Failed", "half-close                  ✓", "half-close-reply-after-sil… ✓"}},
		{"tinyproxy", startTinyproxy, []string{"--connect", "--proxy-auth", "user:secret", "--proxy-kind", "tinyproxy"}, 1,
			[]string{"Passed | 2 Failed", "failed in 10 of 10 runs", "lost the reply in 10 of 10 runs", "A read EOF 0.0",
				"closed both directions when the client half-closed", "streamspec knows no tinyproxy setting for it"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dial, upstream := c.start(t)
			out, status := command(t, append([]string{"through", "--dial", dial, "--upstream", upstream, "--name", c.name,
				"--report-dir", "off"}, c.flags...)...)
			if status != c.status {
				t.Errorf("exit status %d, want %d:\n%s", status, c.status, out)
			}
			for _, s := range c.says {
				if !strings.Contains(out, s) {
					t.Errorf("the output does not say %q:\n%s", s, out)
				}
			}
		})
	}
}

// A CONNECT proxy that wants credentials the command was not given stops
// the run at once, saying so.
func TestCommandThroughConnectWithoutCredentials(t *testing.T) {
	dial, upstream := startTinyproxy(t)
	start := time.Now()
	out, status := command(t, "through", "--dial", dial, "--upstream", upstream, "--connect", "--report-dir", "off")
	if status != 1 || !strings.Contains(out, "407 Proxy Authentication Required") || !strings.Contains(out, "it wants credentials") ||
		!strings.Contains(out, "Ran 1 of") {
		t.Errorf("exit status %d, want 1 and one failure saying the proxy wants credentials:\n%s", status, out)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
