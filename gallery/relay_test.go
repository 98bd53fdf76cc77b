package gallery

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/pair"
)

// A relay entry whose program is missing is unavailable, with the reason,
// and says it has no version.
func TestRelayMissingProgram(t *testing.T) {
	e := Relay("absent", Command{Template: "streamspec-no-such-relay {listen} {upstream}", Needs: []string{"streamspec-no-such-relay"},
		Version: []string{"streamspec-no-such-relay", "-v"}, VersionLine: "relay"})
	_, err := pair.Open(t.Context(), e.Transport)
	if reason, ok := pair.IsUnavailable(err); !ok || !strings.HasPrefix(reason, "streamspec-no-such-relay not installed") {
		t.Errorf("Open = %v; want unavailable: streamspec-no-such-relay not installed", err)
	}
	if v, err := e.Version(); err == nil {
		t.Errorf("Version = %q; want an error", v)
	}
}

// A relay entry runs its program and reads its version (socat, where make
// tools installed it).
func TestRelayProgram(t *testing.T) {
	if _, err := exec.LookPath("socat"); err != nil {
		t.Skip("socat not installed")
	}
	e := Relay("socat-gallery", Command{Template: "socat TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}",
		Needs: []string{"socat"}, Version: []string{"socat", "-V"}, VersionLine: "socat version"})
	if v, err := e.Version(); err != nil || !strings.HasPrefix(v, "socat version") {
		t.Errorf("Version = %q, %v; want socat's version line", v, err)
	}
	p, err := pair.Open(t.Context(), e.Transport)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.B.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := p.A.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if n, err := p.B.Read(make([]byte, 1)); n != 1 || err != nil {
		t.Fatalf("B.Read through socat = %d, %v", n, err)
	}
}
