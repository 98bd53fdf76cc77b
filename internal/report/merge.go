package report

import (
	"errors"
	"fmt"
	"slices"
)

// Merge combines the reports of several machines into one matrix with an
// environment dimension: columns become transport@env, and rows that
// agree within each environment but not across say "differs by OS".
// Environment IDs are made unique (linux, then linux-arm64, linux-2).
func Merge(reports ...*Report) (*Report, error) {
	if len(reports) == 0 {
		return nil, errors.New("merge: no reports")
	}
	out := &Report{SchemaVersion: SchemaVersion, Generator: "streamspec"}
	for _, in := range reports {
		rename := map[string]string{}
		for _, e := range in.Environments {
			old := e.ID
			e.ID = out.uniqueEnv(e)
			rename[old] = e.ID
			out.Environments = append(out.Environments, e)
		}
		for _, b := range in.Behaviours {
			out.mergeBehaviour(b)
		}
		for _, t := range in.Transports {
			t.Env = rename[t.Env]
			out.AddTransport(t)
		}
		for _, res := range in.Results {
			res.Env = rename[res.Env]
			out.AddResult(res)
		}
		for _, c := range in.Capacities {
			c.Env = rename[c.Env]
			out.AddCapacity(c)
		}
		for _, s := range in.Sweeps {
			s.Env = rename[s.Env]
			out.AddSweep(s)
		}
	}
	out.Derive()
	return out, nil
}

// mergeBehaviour adds b, or completes a row that a user suite reported
// without catalogue data.
func (r *Report) mergeBehaviour(b Behaviour) {
	i := slices.IndexFunc(r.Behaviours, func(x Behaviour) bool { return x.ID == b.ID })
	if i < 0 {
		r.Behaviours = append(r.Behaviours, b)
		return
	}
	if x := &r.Behaviours[i]; x.Class == "" && b.Class != "" {
		*x = b
	}
}

func (r *Report) uniqueEnv(e Environment) string {
	taken := func(id string) bool {
		return slices.ContainsFunc(r.Environments, func(x Environment) bool { return x.ID == id })
	}
	id := e.ID
	if id == "" {
		id = e.OS
	}
	if id == "" {
		id = "env"
	}
	if !taken(id) {
		return id
	}
	if alt := e.OS + "-" + e.Arch; e.OS != "" && e.Arch != "" && !taken(alt) {
		return alt
	}
	for n := 2; ; n++ {
		if alt := fmt.Sprintf("%s-%d", id, n); !taken(alt) {
			return alt
		}
	}
}
