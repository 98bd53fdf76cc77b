// Command streamspec-report merges and renders streamspec conformance
// reports (the conformance.json a run writes).
//
// Usage:
//
//	streamspec-report <command> [flags] report.json ...
//
// The commands are:
//
//	merge [-o DIR] [-color auto|always|never] [-no-color] a.json b.json ...
//	show [-format text|md|json|html] [-color auto|always|never] [-no-color] report.json
//	expectations report.json
//	reference report.json > internal/report/reference/GOOS.json
//	verdicts run1.json run2.json
//
// merge combines the reports of several machines (the Linux and macOS CI
// legs) into one matrix whose columns are transport@os, writes
// conformance.{txt,md,json,html} into DIR (default out/report/merged) and
// prints the matrix. show renders one report to standard output.
// expectations compares a report from any OS with the expectation tables
// and prints, as Go source to paste into internal/expect/expectations.go and its
// neighbours, the rows to add or change: inferred rows the run confirmed
// become measured, with the kernel, Go release and date the report
// carries.
// reference writes, from a report of the built-in transports, the
// reference columns a run of custom transports alone is shown beside
// (make reference). verdicts compares the verdict columns of two runs and
// fails if any row differs (make stable runs the built-in matrix twice).
//
// "streamspec-report -h" lists the commands; "streamspec-report <command>
// -h" or "streamspec-report help <command>" shows a command's flags. The
// printed matrix is coloured only with -color always, or with -color auto
// (the default) when standard output is a terminal, TERM is not dumb and
// NO_COLOR is unset; -no-color is -color never.
//
// The exit status is 0 on success (and for -h), 1 when a report cannot be
// read or written, 2 for misuse (an unknown command or flag, a missing
// argument, a bad flag value), which is reported in one line on standard
// error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/streamspec/streamspec/internal/report"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `streamspec-report merges and renders streamspec conformance reports.

usage: streamspec-report <command> [flags] report.json ...

commands:
  merge          combine several machines' reports into one matrix (transport@os)
  show           render one report as text, Markdown, JSON or HTML
  expectations   print, as Go, the expectation rows a report confirms or contradicts
  reference      write the reference columns a custom-only run is shown beside
  verdicts       compare two runs' verdict columns; fail if any row differs

Run 'streamspec-report <command> -h' for a command's flags.
Exit status: 0 success, 1 a report could not be read or written, 2 misuse.
`

// commands are the subcommands: each gets the arguments after its name
// and returns errHelp once it printed its usage, a *usageError for
// misuse, another error for a failure.
var commands = map[string]func(args []string, stdout io.Writer) error{
	"merge":        merge,
	"show":         show,
	"expectations": expectations,
	"reference":    reference,
	"verdicts":     verdicts,
}

// run runs the command line args (without the program name) and returns
// the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name := args[0]
	var err error
	switch {
	case name == "-h" || name == "-help" || name == "--help" || name == "help" && len(args) == 1:
		fmt.Fprint(stdout, usage)
		return 0
	case name == "help" && len(args) == 2 && commands[args[1]] != nil:
		err = commands[args[1]]([]string{"-h"}, stdout)
	case name == "help":
		err = &usageError{"streamspec-report help", fmt.Sprintf("unknown help topic %q", strings.Join(args[1:], " ")), "streamspec-report -h"}
	case commands[name] != nil:
		err = commands[name](args[1:], stdout)
	case strings.HasPrefix(name, "-"):
		err = &usageError{"streamspec-report", fmt.Sprintf("unknown flag %s (flags follow the command)", name), "streamspec-report -h"}
	default:
		err = &usageError{"streamspec-report", fmt.Sprintf("unknown command %q", name), "streamspec-report -h"}
	}
	var usageErr *usageError
	switch {
	case errors.Is(err, errHelp):
		return 0
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "%s: %s; run '%s' for usage\n", usageErr.who, usageErr.msg, usageErr.help)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "streamspec-report %s: %v\n", name, err)
		return 1
	}
	return 0
}

// errHelp says a command printed its usage, as -h asked.
var errHelp = errors.New("help printed")

// usageError is misuse: who says what, and where the usage is.
type usageError struct{ who, msg, help string }

func (e *usageError) Error() string { return e.who + ": " + e.msg }

// newFlags is a command's flag set: errors are reported by run, in one
// line, and -h prints the synopsis, what the command does and its flags.
func newFlags(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("streamspec-report "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: streamspec-report %s %s\n\n%s\n", name, synopsis, about)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses a command's flags: errHelp once -h printed the usage on
// stdout, a *usageError for a bad flag.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return errHelp
	case err != nil:
		return misuse(fs, err.Error())
	}
	return nil
}

func misuse(fs *flag.FlagSet, msg string) error {
	return &usageError{fs.Name(), msg, fs.Name() + " -h"}
}

// colorFlags adds -color auto|always|never and -no-color (-color never)
// to fs; the mode is auto unless set.
func colorFlags(fs *flag.FlagSet, what string) *string {
	mode := "auto"
	fs.Func("color", "colour "+what+": `auto` (on a terminal, the default), always or never", func(s string) error {
		switch s {
		case "auto", "always", "never":
			mode = s
			return nil
		}
		return fmt.Errorf("want auto, always or never")
	})
	fs.BoolFunc("no-color", "no colour: -color never", func(s string) error {
		no, err := strconv.ParseBool(s)
		if no {
			mode = "never"
		}
		return err
	})
	return &mode
}

func merge(args []string, stdout io.Writer) error {
	fs := newFlags("merge", "[-o DIR] [-color auto|always|never] [-no-color] a.json b.json ...",
		"Combines the reports of several machines (the Linux and macOS CI legs) into one\n"+
			"matrix whose columns are transport@os, writes conformance.{txt,md,json,html}\n"+
			"into DIR and prints the matrix.")
	dir := fs.String("o", "out/report/merged", "output `directory`")
	color := colorFlags(fs, "the printed matrix")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return misuse(fs, "no reports given")
	}
	var reports []*report.Report
	for _, path := range fs.Args() {
		r, err := load(path)
		if err != nil {
			return err
		}
		reports = append(reports, r)
	}
	merged, err := report.Merge(reports...)
	if err != nil {
		return err
	}
	if err := merged.WriteFiles(*dir); err != nil {
		return err
	}
	if err := merged.Text(stdout, report.TextOptions{Color: wantColor(*color, stdout)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d reports: %s/conformance.{txt,md,json,html}\n", len(reports), *dir)
	return nil
}

func show(args []string, stdout io.Writer) error {
	fs := newFlags("show", "[-format text|md|json|html] [-color auto|always|never] [-no-color] report.json",
		"Renders one report to standard output.")
	format := fs.String("format", "text", "text, md, json or html")
	color := colorFlags(fs, "the text matrix")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	switch *format {
	case "text", "md", "markdown", "json", "html":
	default:
		return misuse(fs, fmt.Sprintf("unknown format %q (want text, md, json or html)", *format))
	}
	if fs.NArg() != 1 {
		return misuse(fs, "give one report")
	}
	r, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	r.Derive() // rows from the results, whatever wrote the file
	switch *format {
	case "md", "markdown":
		return r.Markdown(stdout)
	case "json":
		return r.JSON(stdout)
	case "html":
		return r.HTML(stdout)
	}
	return r.Text(stdout, report.TextOptions{Color: wantColor(*color, stdout)})
}

func load(path string) (*report.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := report.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

func wantColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := w.(*os.File)
	return ok && report.ColorTerminal(f)
}
