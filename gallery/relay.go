package gallery

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// Command is a relay run as a process for every pair.
type Command struct {
	// Template is the transports.RelayCommand template.
	Template string
	// Options are RelayCommand's options: configuration files.
	Options []transports.RelayOption
	// Needs lists what it runs on: commands, or absolute paths of files (a
	// module the package installs). Without one, the entry is unavailable.
	Needs []string
	// Version is the command line that prints its version, e.g.
	// {"haproxy", "-v"}, and VersionLine how its version line starts
	// ("HAProxy version").
	Version     []string
	VersionLine string
}

// Relay is an entry for a relay run as a process (haproxy, nginx,
// stunnel): transports.RelayCommand with c's template, unavailable on a
// machine without what c needs, its version the line c.Version prints
// that starts with c.VersionLine. Set About and Proxy on the result, then
// Register it.
func Relay(name string, c Command) Entry {
	relay := transports.RelayCommand(name, c.Template, c.Options...)
	tr := harness.New(name, relay.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		for _, n := range c.Needs {
			var err error
			if strings.HasPrefix(n, "/") {
				_, err = os.Stat(n)
			} else {
				_, err = exec.LookPath(n)
			}
			if err != nil {
				return nil, nil, nil, &harness.Unavailable{Reason: n + " not installed (make tools installs it): " + err.Error()}
			}
		}
		return relay.Pair(ctx)
	})
	return Entry{Name: name, Transport: tr, Version: func() (string, error) {
		out, err := exec.Command(c.Version[0], c.Version[1:]...).CombinedOutput()
		for l := range strings.Lines(string(out)) {
			if strings.HasPrefix(l, c.VersionLine) && err == nil {
				l, _, _ = strings.Cut(l, "  ") // what follows two spaces is not the version ("Dante v1.4.2.  Copyright ...")
				return strings.TrimSuffix(strings.TrimSpace(l), "."), nil
			}
		}
		return "", fmt.Errorf("%s: no line starting %q (%v)", strings.Join(c.Version, " "), c.VersionLine, err)
	}}
}
