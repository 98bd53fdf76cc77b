// Command streamspec runs streamspec's catalogue without writing Go.
//
// Validate a proxy that is already running: streamspec listens on the
// address the proxy forwards to (--upstream), dials the proxy (--dial) for
// every pair, and prints the conformance matrix and writes the report
// files, as go test does:
//
//	go run github.com/streamspec/streamspec/cmd/streamspec through --dial 127.0.0.1:8080 --upstream 127.0.0.1:9090
//
// Flags: --name (the matrix column, default "proxy"), --horizon (how long
// the lifetimes spec watches, default 3s; e.g. 90s for a proxy's 50 s
// timeouts), --report-dir (default out/report under the module root or
// the working directory; off for none), --label-filter (e.g. contract),
// --focus, -v. Ginkgo's own flags work with their -ginkgo. prefix. The
// exit status is 0 when every spec passed, 1 when one failed, 2 for bad
// usage.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

// run runs the command line args and returns the exit status.
func run(args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "through" {
		fmt.Fprintln(stderr, "usage: streamspec through --dial ADDR --upstream ADDR [--name NAME] [--horizon 3s] [--report-dir DIR] [--label-filter EXPR] [--focus REGEXP] [-v]")
		return 2
	}
	fs := flag.CommandLine // Ginkgo's and streamspec's flags live there too
	fs.SetOutput(stderr)
	dial := fs.String("dial", "", "the proxy's address: streamspec dials it for every pair")
	upstream := fs.String("upstream", "", "where the proxy forwards to: streamspec listens there")
	name := fs.String("name", "proxy", "the proxy's name in the matrix")
	horizon := fs.String("horizon", "", "how long the lifetimes spec watches half-closed and idle connections (default 3s)")
	reportDir := fs.String("report-dir", "", "where the report files go (off: none)")
	labels := fs.String("label-filter", "", "run only the specs whose labels match, e.g. contract or 'close && observed'")
	focus := fs.String("focus", "", "run only the specs whose text matches this regular expression")
	verbose := fs.Bool("v", false, "print every spec as it runs, with what it observed")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *dial == "" || *upstream == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "streamspec through: --dial and --upstream are required, and nothing else may follow the flags")
		return 2
	}
	for flagName, v := range map[string]string{"streamspec.horizon": *horizon, "streamspec.report-dir": *reportDir} {
		if v == "" {
			continue
		}
		if err := fs.Set(flagName, v); err != nil {
			fmt.Fprintf(stderr, "streamspec through: %s: %v\n", flagName, err)
			return 2
		}
	}

	suites.DescribeConformance(transports.Through(*name, *dial, *upstream))
	gomega.RegisterFailHandler(ginkgo.Fail)
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	if *labels != "" {
		suiteConfig.LabelFilter = *labels
	}
	if *focus != "" {
		suiteConfig.FocusStrings = append(suiteConfig.FocusStrings, *focus)
	}
	reporterConfig.Verbose = reporterConfig.Verbose || *verbose
	var t failures
	ginkgo.RunSpecs(&t, "streamspec through "+*dial, suiteConfig, reporterConfig)
	if t.failed {
		return 1
	}
	return 0
}

// failures is the GinkgoTestingT that RunSpecs reports a failed suite to
// outside go test.
type failures struct{ failed bool }

func (f *failures) Fail() { f.failed = true }
