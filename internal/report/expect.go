package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/internal/expect"
)

// DiffersFromInferred is how every rendering marks a result that differs
// from an inferred expectation: the spec passed (an inference never fails
// one), and the difference is shown with the source it was inferred from.
const DiffersFromInferred = "differs from the inferred expectation"

// AddCheck records a check once: repeated samples of a spec check the
// same rule again.
func (res *Result) AddCheck(c expect.Check) {
	if !slices.ContainsFunc(res.Checks, func(x expect.Check) bool { return x.Rule == c.Rule && x.Got == c.Got }) {
		res.Checks = append(res.Checks, c)
	}
}

// Unexpected returns the checks that differ from an inferred expectation.
func (res Result) Unexpected() []expect.Check {
	var out []expect.Check
	for _, c := range res.Checks {
		if c.Differs() && c.Provenance.Basis == expect.Inferred {
			out = append(out, c)
		}
	}
	return out
}

// UnexpectedText says how a result differs from its inferred
// expectations, with the sources, or "" when it does not.
func (res Result) UnexpectedText() string {
	var parts []string
	for _, c := range res.Unexpected() {
		what := fmt.Sprintf("got %q, inferred %s from %s", c.Got, quoteAll(c.Want), c.Provenance.Source)
		if c.Rule != "" {
			what = c.Rule + ": " + what
		}
		parts = append(parts, what)
	}
	if len(parts) == 0 {
		return ""
	}
	return DiffersFromInferred + ": " + strings.Join(parts, "; ")
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

// unexpectedRow names the cells of a row that differ from an inferred
// expectation.
func unexpectedRow(cs []cell) string {
	var on []cell
	for _, c := range cs {
		if len(c.res.Unexpected()) > 0 {
			on = append(on, c)
		}
	}
	if len(on) == 0 {
		return ""
	}
	return DiffersFromInferred + " on " + labels(on)
}

// UnexpectedResults lists, in matrix order, the results that differ from
// an inferred expectation, with their column labels.
func (r *Report) UnexpectedResults() (labels []string, results []Result) {
	for _, c := range r.Columns() {
		for _, b := range r.Behaviours {
			if res, ok := r.Result(b.ID, c); ok && len(res.Unexpected()) > 0 {
				labels, results = append(labels, r.Label(c)), append(results, res)
			}
		}
	}
	return labels, results
}
