// Package expect holds what the built-in transports are expected to show
// for the observed behaviours on each OS, each row with its provenance
// (measured on a named kernel, Go release and day, or inferred from a
// cited source), and the checks that compare a run with them: a mismatch
// fails only against a measured row.
package expect
