package transports

import (
	"io"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/pair"
)

// RelayCommand with HTTPConnect and SOCKS5 reaches its upstream through a
// real HTTP CONNECT proxy (tinyproxy, Debian's tinyproxy-bin) and a real
// SOCKS5 server (Dante, Debian's dante-server), started for each pair:
// the pair's ends are the TCP sockets streamspec holds, bytes cross both
// ways, A's half-close reaches B as EOF, and the transport names the
// proxy its command line starts. The full catalogue runs through them in
// cmd/streamspec's tests and in the gallery.
func TestRealProxyHandshakes(t *testing.T) {
	for _, c := range []struct {
		command, pkg, template, config, kind string
		handshake                            RelayOption
	}{
		{"tinyproxy", "tinyproxy-bin", "tinyproxy -d -c {file:proxy.conf}",
			"Port {listen_port}\nListen 127.0.0.1\nAllow 127.0.0.1\nBasicAuth u p\nLogLevel Warning\n", "tinyproxy", HTTPConnect("u", "p")},
		{"danted", "dante-server", "danted -N 1 -f {file:proxy.conf}",
			"logoutput: stderr\ninternal: 127.0.0.1 port = {listen_port}\nexternal: 127.0.0.1\nclientmethod: none\nsocksmethod: none\n" +
				"client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\nsocks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }\n", "dante", SOCKS5("", "")},
	} {
		t.Run(c.command, func(t *testing.T) {
			if _, err := exec.LookPath(c.command); err != nil {
				t.Skipf("%s not installed (make tools installs it from Debian's %s): %v", c.command, c.pkg, err)
			}
			tr := RelayCommand(c.command, c.template, ConfigFile("proxy.conf", c.config), c.handshake)
			if got := tr.Traits().Proxy; got != c.kind {
				t.Errorf("Traits().Proxy = %q, want %q", got, c.kind)
			}
			p, err := pair.Open(t.Context(), tr)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			a, ok := p.A.(*net.TCPConn)
			if !ok {
				t.Fatalf("A is %T, not *net.TCPConn", p.A)
			}
			_ = p.B.SetReadDeadline(time.Now().Add(pair.Timeout))
			_ = a.SetReadDeadline(time.Now().Add(pair.Timeout))
			if _, err := p.B.Write([]byte("from B")); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len("from B"))
			if _, err := io.ReadFull(a, got); err != nil || string(got) != "from B" {
				t.Fatalf("A read %q, %v", got, err)
			}
			if _, err := a.Write([]byte("from A")); err != nil {
				t.Fatal(err)
			}
			if err := a.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			if got, err := io.ReadAll(p.B); err != nil || string(got) != "from A" {
				t.Errorf("B read %q, %v; want A's bytes, then EOF", got, err)
			}
		})
	}
}
