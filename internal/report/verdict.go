package report

import (
	"fmt"
	"slices"
	"strings"
)

// namedKinds name sets of transport kinds, so a row verdict can say
// "holds on kernel sockets only" instead of listing transports. A set is
// named only when it is exactly the row's transports of those kinds.
var namedKinds = []struct {
	name  string
	kinds []string
}{
	{"TCP", []string{"tcp"}},
	{"Unix sockets", []string{"unix"}},
	{"pipes", []string{"pipe"}},
	{"in-memory transports", []string{"memory"}},
	{"TLS", []string{"tls"}},
	{"relays", []string{"relay"}},
	{"custom transports", []string{"custom"}},
	{"kernel sockets", []string{"tcp", "unix"}},
	{"kernel transports", []string{"tcp", "unix", "pipe"}},
	{"TCP-based transports", []string{"tcp", "tls", "relay"}},
	{"non-kernel transports", []string{"memory", "tls", "relay", "custom"}},
}

// cell is one result with its column.
type cell struct {
	label string // column label for lists
	kind  string
	res   Result
}

// deriveRow states, from the results alone, whether behaviour b holds
// everywhere or depends on the transport, its kind or the OS.
func (r *Report) deriveRow(b Behaviour) Row {
	var all, noted []cell
	for _, t := range r.Columns() {
		if res, ok := r.Result(b.ID, t); ok {
			all = append(all, cell{label: r.Label(t), kind: t.Kind, res: res})
			if t.Unavailable == "" {
				noted = append(noted, all[len(all)-1])
			}
		}
	}
	row := Row{Behaviour: b.ID, Untested: untested(noted), Unexpected: unexpectedRow(all)}
	tested := slices.DeleteFunc(slices.Clone(all), func(c cell) bool { return !c.res.Verdict.Tested() })
	// The scope of "X only" is what ran or could not: unavailable and
	// skipped transports say nothing about the behaviour.
	scope := slices.DeleteFunc(slices.Clone(all), func(c cell) bool { return !c.res.Verdict.Tested() && c.res.Verdict != Unsupported })
	if len(tested) == 0 {
		row.Status, row.Verdict = NotTested, "not tested"
		switch {
		case len(scope) > 1 && len(scope) == len(noted): // the cells say why
			row.Verdict, row.Untested = "unsupported on every transport", ""
		case row.Untested != "": // which transports, once
			row.Verdict, row.Untested = row.Untested, ""
		}
		return row
	}
	if failed := slices.ContainsFunc(tested, func(c cell) bool { return c.res.Verdict == Fail }); r.MultiEnv() {
		if !consistent(b.Class, tested) {
			var parts []string
			for _, e := range r.Environments {
				if cs := inEnv(tested, e.ID); len(cs) > 0 {
					_, v := single(b.Class, cs, inEnv(scope, e.ID))
					parts = append(parts, e.ID+": "+v)
				}
			}
			row.Status, row.Verdict = DiffersByOS, "differs by OS: "+strings.Join(parts, "; ")
			if failed {
				row.Status = Fails
			}
			return row
		}
		tested, scope = perTransport(tested), perTransport(scope)
	}
	row.Status, row.Verdict = single(b.Class, tested, scope)
	return row
}

// Text is the row's verdict with what it leaves untested and where it
// differs from an inferred expectation.
func (row Row) Text() string {
	text := row.Verdict
	for _, extra := range []string{row.Like, row.Untested, row.Unexpected} {
		if extra != "" {
			text += "; " + extra
		}
	}
	return text
}

// Parenthesised is the row's verdict with the rest in parentheses.
func (row Row) Parenthesised() string {
	var extra []string
	for _, e := range []string{row.Untested, row.Unexpected} {
		if e != "" {
			extra = append(extra, e)
		}
	}
	v := row.Verdict
	if row.Like != "" {
		v += "; " + row.Like
	}
	if len(extra) == 0 {
		return v
	}
	return v + " (" + strings.Join(extra, "; ") + ")"
}

// consistent reports whether every transport gave the same outcome in
// every environment it ran in.
func consistent(class string, tested []cell) bool {
	keys := map[string]string{}
	for _, c := range tested {
		k := key(class, c.res)
		if prev, ok := keys[c.res.Transport]; ok && prev != k {
			return false
		}
		keys[c.res.Transport] = k
	}
	return true
}

// inEnv keeps the cells of one environment, labelled by transport name.
func inEnv(cs []cell, env string) []cell {
	var out []cell
	for _, c := range cs {
		if c.res.Env == env {
			out = append(out, cell{label: c.res.Transport, kind: c.kind, res: c.res})
		}
	}
	return out
}

// perTransport keeps one cell per transport name, labelled by the name:
// used once every environment agrees.
func perTransport(cs []cell) []cell {
	var out []cell
	for _, c := range cs {
		if !slices.ContainsFunc(out, func(o cell) bool { return o.label == c.res.Transport }) {
			out = append(out, cell{label: c.res.Transport, kind: c.kind, res: c.res})
		}
	}
	return out
}

// key is what makes two cells agree: pass or fail for a contract, and for
// any other row also the observed value: the spec's outcome class where it
// gives one (values["outcome"], e.g. "default: no stall, nagle: stall"),
// so that measured numbers do not split transports that behave alike; for
// a value measured on fresh pairs, what it measures (the ranges are then
// compared by meets); the summary otherwise.
func key(class string, res Result) string {
	if res.Verdict == Fail || class == "contract" {
		return string(res.Verdict)
	}
	if o, ok := res.Values["outcome"].(string); ok && o != "" {
		return string(res.Verdict) + "\x00" + o
	}
	if res.Spread != nil {
		return string(res.Verdict) + "\x00spread\x00" + res.Spread.Of
	}
	return string(res.Verdict) + "\x00" + res.Summary
}

// meets reports whether two spreads of one measurement agree: their
// ranges overlap. A range is the tolerance its repeats show; a value that
// did not vary from pair to pair has none and must be met exactly.
func meets(a, b *Spread) bool {
	if a == nil || b == nil {
		return true
	}
	return a.Min <= b.Max && b.Min <= a.Max
}

// single derives the verdict within one environment. tested holds the
// cells that ran, scope those plus the unsupported ones.
func single(class string, tested, scope []cell) (RowStatus, string) {
	if errored, rest := splitErrors(class, tested); len(errored) > 0 {
		v := "could not measure on " + labels(errored)
		if len(rest) == 0 {
			return Errors, v
		}
		status, more := single(class, rest, rest)
		more = strings.Replace(more, "every transport tested", "the others", 1)
		if status != Fails {
			status = Errors
		}
		return status, v + "; " + more
	}
	var pass, fail []cell
	for _, c := range tested {
		if c.res.Verdict == Fail {
			fail = append(fail, c)
		} else {
			pass = append(pass, c)
		}
	}
	if len(fail) > 0 {
		switch {
		case len(tested) == 1:
			return Fails, "fails on " + fail[0].label
		case len(pass) == 0:
			return Fails, "fails on every transport tested"
		case len(fail) == 1:
			return Fails, "fails on " + fail[0].label
		case kindName(pass, tested) != "":
			return Fails, "holds on " + kindName(pass, tested) + " only"
		case len(fail) > 1 && kindName(fail, tested) != "":
			return Fails, "fails on " + kindName(fail, tested)
		}
		return Fails, "fails on " + labels(fail)
	}
	groups := group(class, tested)
	if len(groups) == 1 {
		if n := kindName(tested, scope); n != "" {
			return Holds, n + " only"
		}
		if len(tested) == 1 {
			return Holds, "holds on " + tested[0].label + ", the only transport tested"
		}
		if s := tested[0].res.Summary; class != "contract" && s != "" {
			return Holds, "same on every transport tested: " + s
		}
		return Holds, "holds on every transport tested"
	}
	if len(groups) == len(tested) && len(tested) > 2 {
		return Differs, "differs on every transport tested"
	}
	var parts []string
	for _, g := range groups {
		if n := kindName(g, tested); n != "" && len(g) > 1 {
			parts = append(parts, fmt.Sprintf("%s (%s)", n, labels(g)))
		} else {
			parts = append(parts, labels(g))
		}
	}
	return Differs, "differs: " + strings.Join(parts, " vs ")
}

// group partitions cells by key, in column order; where the key is a
// spread's, by spreads that meet every cell of the group.
func group(class string, cs []cell) [][]cell {
	var out [][]cell
	for _, c := range cs {
		k := key(class, c.res)
		byRange := strings.Contains(k, "\x00spread\x00")
		i := slices.IndexFunc(out, func(g []cell) bool {
			return key(class, g[0].res) == k &&
				!(byRange && slices.ContainsFunc(g, func(o cell) bool { return !meets(o.res.Spread, c.res.Spread) }))
		})
		if i < 0 {
			out, i = append(out, nil), len(out)
		}
		out[i] = append(out[i], c)
	}
	return out
}

// kindName names subset s of universe u by kind, or returns "" when s is
// all of u or no named set of kinds gives exactly s.
func kindName(s, u []cell) string {
	if len(s) == len(u) {
		return ""
	}
	for _, nk := range namedKinds {
		var want []string
		for _, c := range u {
			if slices.Contains(nk.kinds, c.kind) {
				want = append(want, c.label)
			}
		}
		if len(want) == len(s) && !slices.ContainsFunc(s, func(c cell) bool { return !slices.Contains(want, c.label) }) {
			return nk.name
		}
	}
	return ""
}

func labels(cs []cell) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.label
	}
	return strings.Join(out, ", ")
}

// untested says which transports did not run the spec and why.
func untested(cs []cell) string {
	var parts []string
	for _, v := range []Verdict{Unsupported, Unavailable, Skipped} {
		var on []cell
		for _, c := range cs {
			if c.res.Verdict == v {
				on = append(on, c)
			}
		}
		if len(on) > 0 {
			parts = append(parts, string(v)+" on "+labels(on))
		}
	}
	return strings.Join(parts, "; ")
}

// splitErrors separates the cells of an observed row whose spec could
// not measure (the cell is the error) from the rest: an error is no value
// to compare.
func splitErrors(class string, cs []cell) (errored, rest []cell) {
	for _, c := range cs {
		if class != "contract" && c.res.Error() != "" {
			errored = append(errored, c)
		} else {
			rest = append(rest, c)
		}
	}
	return errored, rest
}
