package gallery

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// Relay is an entry for a relay run as a process (haproxy, nginx,
// stunnel): transports.RelayCommand with template, unavailable on a machine
// without program, its version the first line program prints for
// versionArgs (e.g. "-v"). Set About and Without on the result, then
// Register it.
func Relay(name, program, template string, versionArgs ...string) Entry {
	relay := transports.RelayCommand(name, template)
	tr := harness.New(name, relay.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		if _, err := exec.LookPath(program); err != nil {
			return nil, nil, nil, &harness.Unavailable{Reason: program + " not installed: " + err.Error()}
		}
		return relay.Pair(ctx)
	})
	return Entry{Name: name, Transport: tr, Version: func() (string, error) {
		out, err := exec.Command(program, versionArgs...).CombinedOutput()
		if line := firstLine(string(out)); line != "" {
			return line, nil
		}
		return "", fmt.Errorf("%s %s: %v", program, strings.Join(versionArgs, " "), err)
	}}
}
