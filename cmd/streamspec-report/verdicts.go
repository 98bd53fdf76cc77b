package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/streamspec/streamspec/internal/report"
)

// reference writes the reference columns of a built-in run's report.
func reference(args []string, stdout io.Writer) error {
	fs := newFlags("reference", "report.json",
		"Writes, from a report of the built-in transports, the reference columns (tcp4,\n"+
			"unix, os-pipe) that a run of custom transports alone is shown beside, with the\n"+
			"kernel, Go release and date of the run (make reference).")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return misuse(fs, "give one report of the built-in transports")
	}
	rep, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	return report.WriteReference(stdout, rep)
}

// verdicts prints the two runs' verdict columns where they differ, and
// fails if any row does.
func verdicts(args []string, stdout io.Writer) error {
	fs := newFlags("verdicts", "run1.json run2.json",
		"Compares the verdict columns of two runs of the same transports and fails,\n"+
			"naming the rows, if any differs (make stable).")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return misuse(fs, "give two reports")
	}
	a, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := load(fs.Arg(1))
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
		fmt.Fprintf(stdout, "%s:\n  %s: %s (%s)\n  %s: %s (%s)\n", row.Behaviour, fs.Arg(0), row.Text(), row.Status, fs.Arg(1), other.Text(), other.Status)
	}
	for _, row := range b.Rows {
		if !slices.ContainsFunc(a.Rows, func(x report.Row) bool { return x.Behaviour == row.Behaviour }) {
			differ++
			fmt.Fprintf(stdout, "%s: only in %s\n", row.Behaviour, fs.Arg(1))
		}
	}
	if differ > 0 {
		return fmt.Errorf("%d of %d verdicts differ between the two runs", differ, len(a.Rows))
	}
	fmt.Fprintf(stdout, "the %d verdicts of the two runs are the same\n", len(a.Rows))
	return nil
}
