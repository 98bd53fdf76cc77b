package report

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"
)

// A run of custom transports alone is shown beside reference columns:
// the kernel's TCP, Unix socket and pipe as measured on the same OS by a
// maintainer (make reference), shipped with the module. Measuring them in
// every custom run would add seconds to it; the reference costs nothing.

// ReferenceTransports are the reference columns, in order, with the
// names a row's comparison gives their kinds.
var ReferenceTransports = []struct{ Name, Kind, Called string }{
	{"tcp4", "tcp", "TCP"}, {"unix", "unix", "a Unix socket"}, {"os-pipe", "pipe", "a pipe"},
}

// ReferenceEnv is the environment of reference columns: no environment
// of the run has it.
const ReferenceEnv = "reference"

// Reference holds the reference columns: their environment (the
// provenance: kernel, Go, date), transports, results and capacities; or
// only a Note saying why there is none for the OS.
type Reference struct {
	OS          string       `json:"os"`
	Note        string       `json:"note,omitempty"`
	Environment *Environment `json:"environment,omitempty"`
	Transports  []Transport  `json:"transports,omitempty"`
	Results     []Result     `json:"results,omitempty"`
	Capacities  []Capacity   `json:"capacities,omitempty"`
}

//go:embed reference/*.json
var referenceFiles embed.FS

// ReferenceFor returns the reference shipped for goos, or one whose Note
// says there is none.
func ReferenceFor(goos string) *Reference {
	data, err := referenceFiles.ReadFile("reference/" + goos + ".json")
	if err != nil {
		return &Reference{OS: goos, Note: fmt.Sprintf("no measured reference for %s ships with streamspec: to compare, run "+
			"transports.TCP4(), transports.Unix() and transports.Pipe() beside your transport", goos)}
	}
	full, err := Read(bytes.NewReader(data))
	if err != nil {
		return &Reference{OS: goos, Note: "the reference for " + goos + " does not read: " + err.Error()}
	}
	return referenceFrom(full)
}

// WriteReference writes, from a report of the built-in transports, the
// reference columns as a report of their own: what make reference ships.
func WriteReference(w io.Writer, full *Report) error {
	ref := referenceFrom(full)
	if len(ref.Transports) == 0 {
		return fmt.Errorf("the report has none of the reference transports (%s)", referenceNames())
	}
	out := New(*ref.Environment)
	for _, b := range full.Behaviours {
		out.AddBehaviour(b)
	}
	for _, t := range ref.Transports {
		t.Env = out.Environments[0].ID
		out.AddTransport(t)
	}
	for _, res := range ref.Results {
		res.Env, res.Location, res.Millis = out.Environments[0].ID, "", 0
		out.AddResult(res)
	}
	for _, c := range ref.Capacities {
		c.Env = out.Environments[0].ID
		out.AddCapacity(c)
	}
	out.Derive()
	return out.JSON(w)
}

// referenceFrom takes the reference transports' columns from a report of
// one environment.
func referenceFrom(full *Report) *Reference {
	ref := &Reference{}
	if len(full.Environments) != 1 {
		ref.Note = "the reference report spans several environments"
		return ref
	}
	env := full.Environments[0]
	ref.OS, ref.Environment = env.OS, &env
	for _, rt := range ReferenceTransports {
		i := slices.IndexFunc(full.Transports, func(t Transport) bool { return t.Name == rt.Name && t.Unavailable == "" })
		if i < 0 {
			continue
		}
		t := full.Transports[i]
		t.Env = ReferenceEnv
		ref.Transports = append(ref.Transports, t)
		for _, res := range full.Results {
			if res.Transport == rt.Name {
				res.Env = ReferenceEnv
				ref.Results = append(ref.Results, res)
			}
		}
		for _, c := range full.Capacities {
			if c.Transport == rt.Name {
				c.Env = ReferenceEnv
				ref.Capacities = append(ref.Capacities, c)
			}
		}
	}
	return ref
}

func referenceNames() string {
	var names []string
	for _, rt := range ReferenceTransports {
		names = append(names, rt.Name)
	}
	return strings.Join(names, ", ")
}

// NeedsReference reports whether the report holds only transports that
// are none of the reference kinds: a custom transport's run.
func (r *Report) NeedsReference() bool {
	if len(r.Transports) == 0 || r.MultiEnv() {
		return false
	}
	for _, t := range r.Transports {
		if slices.ContainsFunc(ReferenceTransports, func(rt struct{ Name, Kind, Called string }) bool { return rt.Kind == t.Kind }) {
			return false
		}
	}
	return true
}

// AttachReference sets the reference for the report's OS when it holds
// only custom transports, and derives the rows again.
func (r *Report) AttachReference() {
	if !r.NeedsReference() {
		return
	}
	r.Reference = ReferenceFor(r.Environments[0].OS)
	r.Derive()
}

// Shown is what the renderers show as columns: the report's, then the
// reference columns.
func (r *Report) Shown() []Transport {
	cols := r.Columns()
	if r.Reference != nil {
		cols = append(cols, r.Reference.Transports...)
	}
	return cols
}

// IsReference reports whether t is a reference column.
func IsReference(t Transport) bool { return t.Env == ReferenceEnv }

// Provenance says where the reference columns come from, or why there are
// none, in one line.
func (ref *Reference) Provenance() string {
	if ref == nil {
		return ""
	}
	if ref.Environment == nil || len(ref.Transports) == 0 {
		return ref.Note
	}
	e := ref.Environment
	var names []string
	for _, t := range ref.Transports {
		names = append(names, t.Name)
	}
	return fmt.Sprintf("Reference columns (%s): the kernel's transports as streamspec measured them on %s, kernel %s, %s, %s, %s; "+
		"not measured in this run.", strings.Join(names, ", "), e.OSVersion, e.KernelRelease, e.Arch, e.GoVersion, e.Date)
}

// likeness says, for each of the report's columns, which reference
// transports behave as it does on behaviour b: the same pass or fail, the
// same outcome class, or a range that meets its range.
func (r *Report) likeness(b Behaviour) string {
	if r.Reference == nil || len(r.Reference.Transports) == 0 {
		return ""
	}
	cols := r.Columns()
	var parts []string
	for _, c := range cols {
		res, ok := r.Result(b.ID, c)
		if !ok || !res.Verdict.Tested() {
			continue
		}
		var like, unlike []string
		for _, rt := range ReferenceTransports {
			ref, ok := r.Result(b.ID, Transport{Name: rt.Name, Env: ReferenceEnv})
			if !ok || !ref.Verdict.Tested() {
				continue
			}
			if res.Error() == "" && key(b.Class, res) == key(b.Class, ref) && (b.Class == "contract" || meets(res.Spread, ref.Spread)) {
				like = append(like, rt.Called)
			} else {
				unlike = append(unlike, rt.Called)
			}
		}
		var s string
		switch {
		case len(like) == 0 && len(unlike) == 0:
			continue
		case len(unlike) == 0:
			s = "like " + and(like)
		case len(like) == 0:
			s = "like none of " + and(unlike)
		default:
			s = "like " + and(like) + ", not " + and(unlike)
		}
		if len(cols) > 1 {
			s = r.Label(c) + ": " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// and joins names as prose: "a, b and c".
func and(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// ReferenceNote is the reference's provenance, or why there is none; ""
// for a report that needs no reference.
func (r *Report) ReferenceNote() string { return r.Reference.Provenance() }
