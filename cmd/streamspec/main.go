// Command streamspec runs streamspec's catalogue of byte-stream specs
// without writing Go.
//
// Usage:
//
//	streamspec <command> [flags]
//
// The commands are:
//
//	through   validate a running proxy: every spec through it, then the matrix
//	version   print streamspec's module version
//
// "streamspec help <command>" or "streamspec <command> -h" shows a
// command's flags; "streamspec -h" lists the commands.
//
// # Through
//
//	streamspec through --dial ADDR --upstream ADDR [flags]
//
// Through validates a proxy that is already running: streamspec listens on
// the address the proxy forwards to (--upstream), dials the proxy (--dial)
// for every pair, runs every spec, prints the conformance matrix and writes
// the report files, as go test does. For example:
//
//	go run github.com/streamspec/streamspec/cmd/streamspec through --dial 127.0.0.1:8080 --upstream 127.0.0.1:9090
//
// An HTTP CONNECT proxy or a SOCKS5 proxy is told to connect to the
// upstream address on every connection (--connect, --socks5):
//
//	streamspec through --dial 127.0.0.1:8888 --upstream 127.0.0.1:9090 --connect --proxy-kind tinyproxy
//
// The specs whose outcome a race in the proxy can change (close,
// half-close, the reply after a silence, resets, lifetimes) run --repeat
// times, each on a fresh connection; a failure in any run fails the spec,
// and the report says in how many runs. When the proxy's first two
// connections both fail (the proxy is down, --upstream is not where it
// forwards), the run stops at once with that one message.
//
// Its flags:
//
//	--dial ADDR           the proxy's address: dialled for every pair (required)
//	--upstream ADDR       where the proxy forwards to: streamspec listens there
//	                      (required)
//	--connect             the proxy is an HTTP CONNECT proxy: every connection
//	                      asks it for a tunnel to --upstream
//	--socks5              the proxy is a SOCKS5 proxy: every connection asks it
//	                      to connect to --upstream
//	--proxy-auth USER:PASSWORD
//	                      credentials for --connect (basic) or --socks5
//	                      (username/password) (default $STREAMSPEC_PROXY_AUTH)
//	--proxy-kind KIND     which proxy this is, so that a failure names its
//	                      setting: haproxy, nginx, stunnel, socat, tinyproxy or
//	                      dante (default: none, a general hint)
//	--repeat N            runs of the racy specs, each on a fresh connection
//	                      (default 10)
//	--name NAME           the proxy's column in the matrix (default "proxy")
//	--horizon DURATION    how long the lifetimes spec watches half-closed and
//	                      idle connections (default $STREAMSPEC_HORIZON, else 3s;
//	                      e.g. 90s to see a proxy's 50 s timeouts)
//	--report-dir DIR      where conformance.{txt,md,json,html} go, from the
//	                      working directory (default $STREAMSPEC_REPORT_DIR, else
//	                      out/report under the module root; off: none)
//	--label-filter EXPR   run only the specs whose labels match, e.g. contract
//	                      or 'close && observed'
//	--focus REGEXP        run only the specs whose text matches
//	-v                    print every spec as it runs, with what it observed
//	--no-color            no ANSI colour (there is none anyway unless standard
//	                      output is a terminal, TERM is not dumb and NO_COLOR
//	                      is unset)
//
// Flags take one dash or two. Ginkgo's own command-line flags (-ginkgo.*)
// are not accepted: streamspec configures Ginkgo itself, from the flags
// above. Output is coloured only when standard output is a terminal, TERM
// is not dumb, NO_COLOR is unset and --no-color is not given.
//
// # Version
//
//	streamspec version
//
// Version prints the module version the binary was built from (a release
// such as v1.2.3 when installed with go install ...@v1.2.3; a
// pseudo-version or "(devel)" when built from a checkout), the Go release
// and the platform.
//
// # Exit status
//
// 0 when every spec passed (and for -h and version), 1 when a spec failed
// (or the proxy's first connections did),
// 2 for misuse: an unknown command or flag, a missing required flag, a bad
// flag value. Misuse is reported in one line on standard error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/streamspec/streamspec/internal/proxies"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `streamspec runs streamspec's catalogue of byte-stream specs without writing Go.

usage: streamspec <command> [flags]

commands:
  through   validate a running proxy: every spec through it, then the matrix
  version   print streamspec's module version

Run 'streamspec <command> -h' for a command's flags.
Exit status: 0 every spec passed, 1 a spec failed, 2 misuse.
`

// subcommand is one command: run gets the arguments after its name.
type subcommand struct {
	run  func(args []string, stdout, stderr io.Writer) int
	help func(w io.Writer)
}

var commands = map[string]subcommand{
	"through": {through, func(w io.Writer) { throughFlags(new(throughOptions)).usage(w) }},
	"version": {version, func(w io.Writer) { fmt.Fprint(w, versionUsage) }},
}

// run runs the command line args (without the program name) and returns
// the exit status. Help and results go to stdout, misuse to stderr;
// through's specs report on the process's standard output, as Ginkgo
// writes there whatever stdout is.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help", "help":
		if name != "help" || len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return 0
		}
		c, ok := commands[args[1]]
		if !ok || len(args) > 2 {
			return misuse(stderr, "streamspec help", fmt.Sprintf("unknown help topic %q", strings.Join(args[1:], " ")), "streamspec -h")
		}
		c.help(stdout)
		return 0
	default:
		c, ok := commands[name]
		if !ok {
			if strings.HasPrefix(name, "-") {
				return misuse(stderr, "streamspec", fmt.Sprintf("unknown flag %s (flags follow the command)", name), "streamspec -h")
			}
			return misuse(stderr, "streamspec", fmt.Sprintf("unknown command %q", name), "streamspec -h")
		}
		return c.run(args[1:], stdout, stderr)
	}
}

// misuse prints one line, "who: what; run 'help' for usage", and returns
// the exit status for misuse.
func misuse(stderr io.Writer, who, what, help string) int {
	fmt.Fprintf(stderr, "%s: %s; run '%s' for usage\n", who, what, help)
	return 2
}

const versionUsage = `usage: streamspec version

Prints the module version this binary was built from, the Go release and the platform.
`

// version prints the module version from the binary's build information.
func version(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			fmt.Fprint(stdout, versionUsage)
			return 0
		}
		return misuse(stderr, "streamspec version", fmt.Sprintf("unexpected argument %q", args[0]), "streamspec version -h")
	}
	fmt.Fprintf(stdout, "streamspec %s %s %s/%s\n", moduleVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// moduleVersion is the main module's version: v1.2.3 from go install
// ...@v1.2.3, a pseudo-version or "(devel)" from a checkout.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// throughOptions are through's flags.
type throughOptions struct {
	dial, upstream, name, reportDir, labels, focus string
	proxyAuth, proxyKind                           string
	horizon                                        time.Duration
	repeat                                         int
	connect, socks5, verbose, noColor              bool
}

// defaultRepeat is through's --repeat: a proxy that loses a reply one
// time in three passes 10 runs in a row (2/3)^10 = 1.7% of the time.
const defaultRepeat = 10

// proxyAuthEnv names the environment variable --proxy-auth defaults to,
// which keeps a password off the command line that ps shows.
const proxyAuthEnv = "STREAMSPEC_PROXY_AUTH"

// flagSet is a command's own flags, listed in order by usage.
type flagSet struct {
	*flag.FlagSet
	synopsis, about string
	order           []flagHelp
}

// flagHelp is one line of a usage: the flag, its value's name and what it does.
type flagHelp struct{ name, value, help string }

func throughFlags(o *throughOptions) *flagSet {
	fs := &flagSet{
		FlagSet:  flag.NewFlagSet("streamspec through", flag.ContinueOnError),
		synopsis: "usage: streamspec through --dial ADDR --upstream ADDR [flags]",
		about: `Validates a running proxy: streamspec listens on --upstream, where the proxy
forwards to, dials the proxy at --dial for every pair, runs every spec through
it, prints the conformance matrix and writes the report files.`,
	}
	fs.SetOutput(io.Discard) // errors are reported in one line by the caller
	fs.Usage = func() {}
	fs.add(flagHelp{"dial", "ADDR", "the proxy's address: dialled for every pair (required)"},
		func(h flagHelp) { fs.StringVar(&o.dial, h.name, "", h.help) })
	fs.add(flagHelp{"upstream", "ADDR", "where the proxy forwards to: streamspec listens there\n(required)"},
		func(h flagHelp) { fs.StringVar(&o.upstream, h.name, "", h.help) })
	fs.add(flagHelp{"connect", "", "the proxy is an HTTP CONNECT proxy: every connection\nasks it for a tunnel to --upstream"},
		func(h flagHelp) { fs.BoolVar(&o.connect, h.name, false, h.help) })
	fs.add(flagHelp{"socks5", "", "the proxy is a SOCKS5 proxy: every connection asks it\nto connect to --upstream"},
		func(h flagHelp) { fs.BoolVar(&o.socks5, h.name, false, h.help) })
	fs.add(flagHelp{"proxy-auth", "USER:PASSWORD", "credentials for --connect (basic) or --socks5\n(username/password) (default $" + proxyAuthEnv + ")"},
		func(h flagHelp) { fs.StringVar(&o.proxyAuth, h.name, "", h.help) })
	fs.add(flagHelp{"proxy-kind", "KIND", "which proxy this is, so that a failure names its\nsetting: haproxy, nginx, stunnel, socat, tinyproxy or\ndante (default: none, a general hint)"},
		func(h flagHelp) { fs.StringVar(&o.proxyKind, h.name, "", h.help) })
	fs.add(flagHelp{"repeat", "N", fmt.Sprintf("runs of the racy specs, each on a fresh connection\n(default %d)", defaultRepeat)},
		func(h flagHelp) { fs.IntVar(&o.repeat, h.name, defaultRepeat, h.help) })
	fs.add(flagHelp{"name", "NAME", `the proxy's column in the matrix (default "proxy")`},
		func(h flagHelp) { fs.StringVar(&o.name, h.name, "proxy", h.help) })
	fs.add(flagHelp{"horizon", "DURATION", "how long the lifetimes spec watches half-closed and\n" +
		"idle connections (default $STREAMSPEC_HORIZON, else 3s;\ne.g. 90s to see a proxy's 50 s timeouts)"},
		func(h flagHelp) { fs.DurationVar(&o.horizon, h.name, 0, h.help) })
	fs.add(flagHelp{"report-dir", "DIR", "where conformance.{txt,md,json,html} go, from the\n" +
		"working directory (default $STREAMSPEC_REPORT_DIR, else\nout/report under the module root; off: none)"},
		func(h flagHelp) { fs.StringVar(&o.reportDir, h.name, "", h.help) })
	fs.add(flagHelp{"label-filter", "EXPR", "run only the specs whose labels match, e.g. contract\nor 'close && observed'"},
		func(h flagHelp) { fs.StringVar(&o.labels, h.name, "", h.help) })
	fs.add(flagHelp{"focus", "REGEXP", "run only the specs whose text matches"},
		func(h flagHelp) { fs.StringVar(&o.focus, h.name, "", h.help) })
	fs.add(flagHelp{"v", "", "print every spec as it runs, with what it observed"},
		func(h flagHelp) { fs.BoolVar(&o.verbose, h.name, false, h.help) })
	fs.add(flagHelp{"no-color", "", "no ANSI colour (there is none anyway unless standard\n" +
		"output is a terminal, TERM is not dumb and NO_COLOR\nis unset)"},
		func(h flagHelp) { fs.BoolVar(&o.noColor, h.name, false, h.help) })
	return fs
}

func (fs *flagSet) add(h flagHelp, define func(flagHelp)) {
	define(h)
	fs.order = append(fs.order, h)
}

// usage prints the synopsis and every flag once, in order.
func (fs *flagSet) usage(w io.Writer) {
	fmt.Fprintf(w, "%s\n\n%s\n\nflags:\n", fs.synopsis, fs.about)
	for _, h := range fs.order {
		dashes := "--"
		if len(h.name) == 1 {
			dashes = "-"
		}
		left := strings.TrimSpace(dashes + h.name + " " + h.value)
		lines := strings.Split(h.help, "\n")
		if len(left) >= 22 { // on a line of its own
			fmt.Fprintf(w, "  %s\n", left)
			left = ""
		}
		fmt.Fprintf(w, "  %-22s%s\n", left, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %-22s%s\n", "", l)
		}
	}
	fmt.Fprint(w, "\nFlags take one dash or two. Ginkgo's own flags (-ginkgo.*) are not accepted.\n"+
		"Exit status: 0 every spec passed, 1 a spec failed, 2 misuse.\n")
}

// through validates a running proxy: see the package comment.
func through(args []string, stdout, stderr io.Writer) int {
	const help = "streamspec through -h"
	var o throughOptions
	fs := throughFlags(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.usage(stdout)
			return 0
		}
		return misuse(stderr, "streamspec through", err.Error(), help)
	}
	switch {
	case fs.NArg() > 0:
		return misuse(stderr, "streamspec through", fmt.Sprintf("unexpected argument %q", fs.Arg(0)), help)
	case o.dial == "" || o.upstream == "":
		return misuse(stderr, "streamspec through", "--dial and --upstream are required", help)
	case o.horizon < 0:
		return misuse(stderr, "streamspec through", fmt.Sprintf("--horizon %v: want a positive duration such as 90s", o.horizon), help)
	case o.repeat < 1:
		return misuse(stderr, "streamspec through", fmt.Sprintf("--repeat %d: want a count of runs, 1 or more", o.repeat), help)
	case o.proxyKind != "" && !proxies.Known(o.proxyKind):
		return misuse(stderr, "streamspec through", fmt.Sprintf("--proxy-kind %q: streamspec knows the settings of %s", o.proxyKind, kindList()), help)
	}
	dialStep, err := o.handshake()
	if err != nil {
		return misuse(stderr, "streamspec through", err.Error(), help)
	}
	if _, err := types.ParseLabelFilter(o.labels); err != nil {
		return misuse(stderr, "streamspec through", fmt.Sprintf("--label-filter %q: %s", o.labels, ginkgoErrorLine(err)), help)
	}
	if _, err := regexp.Compile(o.focus); err != nil {
		return misuse(stderr, "streamspec through", fmt.Sprintf("--focus: %v", err), help)
	}
	// Package suites reads these from its flags on flag.CommandLine,
	// which nothing parses in this command.
	if o.horizon > 0 {
		if err := flag.CommandLine.Set("streamspec.horizon", o.horizon.String()); err != nil {
			return misuse(stderr, "streamspec through", fmt.Sprintf("--horizon: %v", err), help)
		}
	}
	switch {
	case o.reportDir == "" && os.Getenv("STREAMSPEC_REPORT_DIR") == "":
		o.reportDir = "out/report" // package suites takes it from the module root
	case o.reportDir != "" && o.reportDir != "off" && !filepath.IsAbs(o.reportDir):
		abs, err := filepath.Abs(o.reportDir)
		if err != nil {
			return misuse(stderr, "streamspec through", fmt.Sprintf("--report-dir: %v", err), help)
		}
		o.reportDir = abs
	}
	if o.reportDir != "" {
		if err := flag.CommandLine.Set("streamspec.report-dir", o.reportDir); err != nil {
			return misuse(stderr, "streamspec through", fmt.Sprintf("--report-dir: %v", err), help)
		}
	}

	if err := flag.CommandLine.Set("streamspec.repeat", strconv.Itoa(o.repeat)); err != nil {
		return misuse(stderr, "streamspec through", fmt.Sprintf("--repeat: %v", err), help)
	}
	options := dialStep
	if o.proxyKind != "" {
		options = append(options, transports.ProxyKind(o.proxyKind))
	} else if proxies.Known(o.name) {
		fmt.Fprintf(stderr, "streamspec through: if the proxy is %s, add --proxy-kind %s: its failures then name the %s setting that governs them\n", o.name, o.name, o.name)
	}
	suites.DescribeConformance(transports.Through(o.name, o.dial, o.upstream, options...))
	gomega.RegisterFailHandler(ginkgo.Fail)
	// Ginkgo's defaults, never its command-line flags; the settings passed
	// to RunSpecs are also what GinkgoConfiguration returns to the report
	// the suite prints at its end, so the matrix is coloured only if
	// Ginkgo's output is.
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = o.labels
	if o.focus != "" {
		suiteConfig.FocusStrings = []string{o.focus}
	}
	reporterConfig.Verbose = o.verbose
	reporterConfig.NoColor = o.noColor || !colorTerminal(stdout)
	if reporterConfig.NoColor {
		formatter.SingletonFormatter = formatter.New(formatter.ColorModeNone) // Ginkgo's own messages
	}
	var t failures
	ginkgo.RunSpecs(&t, "streamspec through "+o.dial, suiteConfig, reporterConfig)
	if t.failed {
		return 1
	}
	return 0
}

// handshake is the dial step --connect or --socks5 asks for, with
// --proxy-auth or $STREAMSPEC_PROXY_AUTH; none for a plain TCP proxy.
func (o *throughOptions) handshake() ([]transports.RelayOption, error) {
	auth := o.proxyAuth
	switch {
	case o.connect && o.socks5:
		return nil, errors.New("--connect and --socks5: a proxy is one or the other")
	case !o.connect && !o.socks5 && auth != "":
		return nil, errors.New("--proxy-auth is for --connect or --socks5")
	case !o.connect && !o.socks5:
		return nil, nil
	case auth == "":
		auth = os.Getenv(proxyAuthEnv)
	}
	user, password, ok := strings.Cut(auth, ":")
	switch {
	case auth != "" && (!ok || user == ""):
		return nil, errors.New("--proxy-auth: want USER:PASSWORD")
	case o.socks5 && (len(user) > 255 || len(password) > 255):
		return nil, errors.New("--proxy-auth: SOCKS5 takes a username and a password of at most 255 bytes each (RFC 1929)")
	case o.connect:
		return []transports.RelayOption{transports.HTTPConnect(user, password)}, nil
	}
	return []transports.RelayOption{transports.SOCKS5(user, password)}, nil
}

// kindList names the proxies streamspec knows the settings of.
func kindList() string {
	var kinds []string
	for _, k := range proxies.Kinds() {
		kinds = append(kinds, string(k))
	}
	return strings.Join(kinds[:len(kinds)-1], ", ") + " or " + kinds[len(kinds)-1]
}

// colorTerminal reports whether w is a terminal that wants colour.
func colorTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && report.ColorTerminal(f)
}

// ginkgoErrorLine is the explanation in one of Ginkgo's errors, on one
// line and without its colour markup.
func ginkgoErrorLine(err error) string {
	msg := err.Error()
	var g types.GinkgoError
	if errors.As(err, &g) && g.Message != "" {
		lines := strings.Split(strings.TrimSpace(g.Message), "\n")
		msg = lines[len(lines)-1]
	}
	msg = regexp.MustCompile(`\{\{[a-z/-]*\}\}|\x1b\[[0-9;]*m`).ReplaceAllString(msg, "")
	return strings.TrimSuffix(strings.Join(strings.Fields(msg), " "), ".")
}

// failures is the GinkgoTestingT that RunSpecs reports a failed suite to
// outside go test.
type failures struct{ failed bool }

func (f *failures) Fail() { f.failed = true }
