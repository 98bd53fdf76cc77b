package transports

import (
	"context"
	"net"
	"os/exec"

	"github.com/streamspec/streamspec/harness"
)

// SocatTemplate is the command the socat built-in runs for each pair: one
// connection, socat's defaults otherwise. Those are 8 KiB blocks and -t 0.5:
// after one side's EOF socat shuts down writing to the other side and keeps
// the reverse direction open until it has been idle for 0.5 s, then closes
// both connections (measured: docs/relays.md).
const SocatTemplate = "socat TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}"

// Socat is socat(1) relaying between two tcp4 loopback sockets, as a
// RelayCommand; unavailable where socat is not installed (make installs it
// where it can).
func Socat() harness.Transport {
	return needsCommand(RelayCommand("socat", SocatTemplate), "socat")
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
