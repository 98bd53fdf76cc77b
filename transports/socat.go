package transports

import (
	"context"
	"net"
	"os/exec"

	"github.com/streamspec/streamspec/harness"
)

// socatTemplate is the command the socat built-in runs for each pair: one
// connection, 8 KiB blocks, and -t 2. After one side's EOF socat shuts
// down writing to the other side and keeps the reverse direction open
// until it has been idle for -t, then closes both connections (measured:
// docs/relays.md). socat's default -t 0.5 loses a reply sent after 1 s of
// silence, so it fails half-close-reply-after-silence (SocatDefaults);
// -t 2 passes it and still shows the cut in the lifetimes row.
const socatTemplate = "socat -t 2 TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}"

// socatDefaultsTemplate is socat with all its defaults (-t 0.5).
const socatDefaultsTemplate = "socat TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}"

// Socat is socat(1) relaying between two tcp4 loopback sockets, as a
// RelayCommand; unavailable where socat is not installed (make installs it
// where it can).
func Socat() harness.Transport {
	return needsCommand(RelayCommand("socat", socatTemplate), "socat")
}

// SocatDefaults is socat at its defaults, which closes a half-closed
// connection once the open direction has been idle 0.5 s: it fails
// half-close-reply-after-silence. The self-test zoo keeps it as a broken
// relay.
func SocatDefaults() harness.Transport {
	return needsCommand(RelayCommand("socat-defaults", socatDefaultsTemplate), "socat")
}

// needsCommand makes tr unavailable while command is not in $PATH.
func needsCommand(tr harness.Transport, command string) harness.Transport {
	return harness.New(tr.Name(), tr.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		if _, err := exec.LookPath(command); err != nil {
			return nil, nil, nil, &harness.Unavailable{Reason: command + " not installed: " + err.Error()}
		}
		return tr.Pair(ctx)
	})
}
