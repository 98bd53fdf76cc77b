package report

import (
	"cmp"
	"slices"
	"strings"
)

// New returns an empty report for one environment.
func New(env Environment) *Report {
	if env.ID == "" {
		env.ID = env.OS
	}
	return &Report{SchemaVersion: SchemaVersion, Generator: "streamspec", Environments: []Environment{env}}
}

// AddBehaviour adds a row; a behaviour already present keeps its first form.
func (r *Report) AddBehaviour(b Behaviour) {
	if !slices.ContainsFunc(r.Behaviours, func(x Behaviour) bool { return x.ID == b.ID }) {
		r.Behaviours = append(r.Behaviours, b)
	}
}

// AddTransport adds a column, or fills in what an earlier sighting of the
// same transport in the same environment lacked.
func (r *Report) AddTransport(t Transport) {
	i := slices.IndexFunc(r.Transports, func(x Transport) bool { return x.Name == t.Name && x.Env == t.Env })
	if i < 0 {
		r.Transports = append(r.Transports, t)
		return
	}
	x := &r.Transports[i]
	x.Kind = cmp.Or(x.Kind, t.Kind)
	x.Notes = cmp.Or(x.Notes, t.Notes)
	if len(x.Abilities) == 0 {
		x.Abilities = t.Abilities
	}
}

// AddResult adds a cell. When a cell is reported twice (a transport
// declared twice under one name, a retried spec) the more severe result
// stays: fail over pass over unsupported over unavailable over skipped.
func (r *Report) AddResult(res Result) {
	i := slices.IndexFunc(r.Results, func(x Result) bool {
		return x.Behaviour == res.Behaviour && x.Transport == res.Transport && x.Env == res.Env
	})
	if i < 0 {
		r.Results = append(r.Results, res)
	} else if severity(res.Verdict) > severity(r.Results[i].Verdict) {
		r.Results[i] = res
	}
}

func severity(v Verdict) int {
	return slices.Index([]Verdict{Skipped, Unavailable, Unsupported, Pass, Fail}, v)
}

// AddCapacity records a capacity decomposition.
func (r *Report) AddCapacity(c Capacity) { r.Capacities = append(r.Capacities, c) }

// AddSweep records a sweep.
func (r *Report) AddSweep(s Sweep) { r.Sweeps = append(r.Sweeps, s) }

// Derive completes the report: every result's row and column exist,
// results are in matrix order, and the rows and totals are computed from
// the results. Call it after the last Add and after a merge.
func (r *Report) Derive() {
	for _, res := range r.Results {
		r.AddBehaviour(Behaviour{ID: res.Behaviour, Area: "other"})
		r.AddTransport(Transport{Name: res.Transport, Env: res.Env})
	}
	row := indexOf(r.Behaviours, func(b Behaviour) string { return b.ID })
	col := indexOf(r.Columns(), func(t Transport) string { return t.Name + "@" + t.Env })
	slices.SortStableFunc(r.Results, func(a, b Result) int {
		return cmp.Or(cmp.Compare(row[a.Behaviour], row[b.Behaviour]),
			cmp.Compare(col[a.Transport+"@"+a.Env], col[b.Transport+"@"+b.Env]))
	})
	r.Totals = Totals{}
	for _, res := range r.Results {
		r.Totals.add(res.Verdict)
	}
	r.markUnavailable()
	r.Rows = r.Rows[:0]
	for _, b := range r.Behaviours {
		row := r.deriveRow(b)
		if row.Like = r.likeness(b); row.Like != "" {
			// The reference columns are the comparison the note made.
			row.Verdict = strings.TrimSuffix(row.Verdict, ", the only transport tested")
			if b.Class != "contract" {
				row.Verdict = strings.Replace(row.Verdict, "holds on ", "seen on ", 1)
			}
		}
		r.Rows = append(r.Rows, row)
	}
}

// markUnavailable notes the transports that could run no spec here.
func (r *Report) markUnavailable() {
	for i := range r.Transports {
		t := &r.Transports[i]
		t.Unavailable = ""
		for _, res := range r.Results {
			if res.Transport != t.Name || res.Env != t.Env {
				continue
			}
			if res.Verdict != Unavailable {
				t.Unavailable = ""
				break
			}
			if t.Unavailable == "" {
				t.Unavailable = cmp.Or(res.Reason, "unavailable")
			}
		}
	}
}

func (t *Totals) add(v Verdict) {
	t.Results++
	switch v {
	case Pass:
		t.Pass++
	case Fail:
		t.Fail++
	case Unsupported:
		t.Unsupported++
	case Unavailable:
		t.Unavailable++
	default:
		t.Skipped++
	}
}

func indexOf[T any](xs []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[key(x)] = i
	}
	return m
}

// MultiEnv reports whether the report spans more than one environment, in
// which case columns are labelled transport@env.
func (r *Report) MultiEnv() bool { return len(r.Environments) > 1 }

// Columns returns the transports in display order: registration order,
// and with several environments each transport's environments side by side.
func (r *Report) Columns() []Transport {
	env := indexOf(r.Environments, func(e Environment) string { return e.ID })
	first := map[string]int{}
	for i, t := range r.Transports {
		if _, ok := first[t.Name]; !ok {
			first[t.Name] = i
		}
	}
	cols := slices.Clone(r.Transports)
	slices.SortStableFunc(cols, func(a, b Transport) int {
		return cmp.Or(cmp.Compare(first[a.Name], first[b.Name]), cmp.Compare(env[a.Env], env[b.Env]))
	})
	return cols
}

// Label is a column's heading: the transport's name, with @env when the
// report spans several environments.
func (r *Report) Label(t Transport) string {
	if IsReference(t) {
		return t.Name + " (reference)"
	}
	if r.MultiEnv() {
		return t.Name + "@" + t.Env
	}
	return t.Name
}

// Result returns the cell for behaviour b on transport t.
func (r *Report) Result(b string, t Transport) (Result, bool) {
	results := r.Results
	if IsReference(t) && r.Reference != nil {
		results = r.Reference.Results
	}
	i := slices.IndexFunc(results, func(x Result) bool { return x.Behaviour == b && x.Transport == t.Name && x.Env == t.Env })
	if i < 0 {
		return Result{}, false
	}
	return results[i], true
}

// Row returns the derived row for behaviour b.
func (r *Report) Row(b string) Row {
	i := slices.IndexFunc(r.Rows, func(x Row) bool { return x.Behaviour == b })
	if i < 0 {
		return Row{Behaviour: b, Status: NotTested, Verdict: "not tested"}
	}
	return r.Rows[i]
}

// Area is a group of rows.
type Area struct {
	Name       string
	Behaviours []Behaviour
}

// Areas groups the rows by area, in order of each area's first row.
func (r *Report) Areas() []Area {
	var out []Area
	for _, b := range r.Behaviours {
		i := slices.IndexFunc(out, func(a Area) bool { return a.Name == b.Area })
		if i < 0 {
			out = append(out, Area{Name: b.Area})
			i = len(out) - 1
		}
		out[i].Behaviours = append(out[i].Behaviours, b)
	}
	return out
}
