// Command streamspec-report merges and renders streamspec conformance
// reports (the conformance.json a run writes).
//
//	streamspec-report merge [-o DIR] linux.json darwin.json ...
//	streamspec-report show [-format text|md|json|html] [-color auto|always|never] report.json
//	streamspec-report expectations report.json
//	streamspec-report reference report.json > internal/report/reference/GOOS.json
//	streamspec-report verdicts run1.json run2.json
//
// merge combines the reports of several machines (the Linux and macOS CI
// legs) into one matrix whose columns are transport@os, writes
// conformance.{txt,md,json,html} into DIR and prints the matrix. show
// renders one report to standard output. expectations compares a report
// from any OS with the expectation tables and prints, as Go source to
// paste into harness/expectations.go and its neighbours, the rows to add
// or change: inferred rows the run confirmed become measured, with the
// kernel, Go release and date the report carries. reference writes, from
// a report of the built-in transports, the reference columns a run of
// custom transports alone is shown beside (make reference). verdicts
// compares the verdict columns of two runs and fails if any row differs
// (make stable runs the built-in matrix twice and compares them).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/streamspec/streamspec/internal/report"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage:
  streamspec-report merge [-o DIR] a.json b.json ...
  streamspec-report show [-format text|md|json|html] [-color auto|always|never] report.json
  streamspec-report expectations report.json
  streamspec-report reference report.json
  streamspec-report verdicts run1.json run2.json`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "merge":
		err = merge(args[1:], stdout, stderr)
	case "show":
		err = show(args[1:], stdout, stderr)
	case "expectations":
		err = expectations(args[1:], stdout, stderr)
	case "reference":
		err = reference(args[1:], stdout)
	case "verdicts":
		err = verdicts(args[1:], stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("unknown command %q", args[0])
	}
	var usageErr *usageError
	switch {
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "streamspec-report: %v\n%s\n", err, usage)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "streamspec-report: %v\n", err)
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func merge(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("o", "out/report/merged", "output directory")
	color := fs.String("color", "auto", "colour the printed matrix: auto (on a terminal), always or never")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	if fs.NArg() == 0 {
		return &usageError{"merge: no reports given"}
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

func show(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "text, md, json or html")
	color := fs.String("color", "auto", "colour the text matrix: auto (on a terminal), always or never")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return &usageError{"show: give one report"}
	}
	r, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	r.Derive() // rows from the results, whatever wrote the file
	switch *format {
	case "text":
		return r.Text(stdout, report.TextOptions{Color: wantColor(*color, stdout)})
	case "md", "markdown":
		return r.Markdown(stdout)
	case "json":
		return r.JSON(stdout)
	case "html":
		return r.HTML(stdout)
	}
	return &usageError{fmt.Sprintf("show: unknown format %q", *format)}
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

// reference writes the reference columns of a built-in run's report.
func reference(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return &usageError{"reference: give one report of the built-in transports"}
	}
	rep, err := load(args[0])
	if err != nil {
		return err
	}
	return report.WriteReference(stdout, rep)
}

// verdicts prints the two runs' verdict columns side by side where they
// differ, and fails if any row does.
func verdicts(args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return &usageError{"verdicts: give two reports"}
	}
	a, err := load(args[0])
	if err != nil {
		return err
	}
	b, err := load(args[1])
	if err != nil {
		return err
	}
	differ := 0
	for _, row := range a.Rows {
		other := b.Row(row.Behaviour)
		if row.Status == other.Status && row.Text() == other.Text() {
			continue
		}
		differ++
		fmt.Fprintf(stdout, "%s:\n  %s: %s (%s)\n  %s: %s (%s)\n", row.Behaviour, args[0], row.Text(), row.Status, args[1], other.Text(), other.Status)
	}
	for _, row := range b.Rows {
		if !slices.ContainsFunc(a.Rows, func(x report.Row) bool { return x.Behaviour == row.Behaviour }) {
			differ++
			fmt.Fprintf(stdout, "%s: only in %s\n", row.Behaviour, args[1])
		}
	}
	if differ > 0 {
		return fmt.Errorf("%d of %d verdicts differ between the two runs", differ, len(a.Rows))
	}
	fmt.Fprintf(stdout, "the %d verdicts of the two runs are the same\n", len(a.Rows))
	return nil
}
