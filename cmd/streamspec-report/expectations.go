package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/report"
)

// expectations compares each environment of a report with the
// expectation tables built into this binary (expect.Expectations,
// expect.KnobExpectations, expect.CapacityRules) and prints the rows to
// add or change as Go source: an inferred row the run confirmed becomes
// measured, with the kernel, Go release and date of the run; a row the
// run contradicted is replaced by what it saw; a built-in with no row
// gets one. A measured row the run agrees with is left alone.
func expectations(args []string, stdout io.Writer) error {
	fs := newFlags("expectations", "report.json",
		"Compares each environment of a report with the expectation tables built into\n"+
			"this binary and prints, as Go source to paste into internal/expect/expectations.go and\n"+
			"its neighbours, the rows to add or change: an inferred row the run confirmed\n"+
			"becomes measured, with the kernel, Go release and date of the run; a row the\n"+
			"run contradicted is replaced by what it saw; a built-in with no row gets one.")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return misuse(fs, "give one report")
	}
	r, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	for _, env := range r.Environments {
		if err := printChanges(stdout, r, env); err != nil {
			return fmt.Errorf("%s: environment %s: %w", fs.Arg(0), env.ID, err)
		}
	}
	return nil
}

// run is one environment's sighting: what measured rows record.
type sighting struct{ kernel, goVersion, date string }

func sightingOf(env report.Environment) (sighting, error) {
	if env.OS == "" || env.KernelRelease == "" || len(env.Date) < len("2006-01-02") || env.GoVersion == "" {
		return sighting{}, errors.New("the report does not say the OS, kernel release, Go version and date it ran with (environment os, kernel_release, go_version, date)")
	}
	name := map[string]string{"linux": "Linux", "darwin": "Darwin", "freebsd": "FreeBSD"}[env.OS]
	return sighting{kernel: cmp.Or(name, env.OS) + " " + env.KernelRelease, goVersion: env.GoVersion, date: env.Date[:len("2006-01-02")]}, nil
}

func (s sighting) provenance(why string) expect.Provenance {
	return expect.Seen(s.kernel, s.goVersion, s.date, why)
}

// change replaces old (nil: adds) by rows, each a line of Go source.
type change struct {
	old  string
	rows []string
	note string
}

func printChanges(w io.Writer, r *report.Report, env report.Environment) error {
	seen, err := sightingOf(env)
	if err != nil {
		return err
	}
	kinds := map[string]string{}
	for _, t := range r.Transports {
		if t.Env == env.ID {
			kinds[t.Name] = t.Kind
		}
	}
	var changes []change
	changes = append(changes, outcomeChanges(r, env, kinds, seen)...)
	changes = append(changes, knobChanges(r, env, kinds, seen)...)
	changes = append(changes, capacityChanges(r, env, kinds, seen)...)
	fmt.Fprintf(w, "// streamspec-report expectations: %s (%s, %s, %s, %s) against this build's tables\n", env.ID, seen.kernel, env.Arch, seen.goVersion, seen.date)
	if len(changes) == 0 {
		fmt.Fprintln(w, "// no changes: every row this report can speak for agrees with it, and is measured")
		return nil
	}
	fmt.Fprintf(w, "// %d changes; paste each new row in place of the old one\n", len(changes))
	for _, c := range changes {
		fmt.Fprintln(w)
		if c.note != "" {
			fmt.Fprintf(w, "// %s\n", c.note)
		}
		switch {
		case c.old != "":
			fmt.Fprintf(w, "// replace\n//\t%s\n// with\n", c.old)
		case len(c.rows) > 0:
			fmt.Fprintln(w, "// add")
		}
		for _, row := range c.rows {
			fmt.Fprintf(w, "\t%s\n", row)
		}
	}
	return nil
}

// builtins are the transport names the table knows on any OS: the only
// ones a report can add rows for (a user's transport has none).
func builtins() map[string]bool {
	names := map[string]bool{}
	for _, e := range expect.Expectations() {
		for _, t := range e.Transports {
			names[t] = true
		}
	}
	return names
}

func checked(kind string) bool {
	return kind != "" && kind != string(harness.KindRelay) && kind != string(harness.KindCustom)
}

// outcomeChanges compares the observed specs' outcomes with
// expect.Expectations.
func outcomeChanges(r *report.Report, env report.Environment, kinds map[string]string, seen sighting) []change {
	type key struct{ behaviour, transport string }
	tabled, names := map[string]bool{}, builtins()
	for _, e := range expect.Expectations() {
		tabled[e.Behaviour] = true
	}
	observed := map[key]string{}
	var order []key // column order within each behaviour
	for _, res := range r.Results {
		o, _ := res.Values["outcome"].(string)
		if res.Env != env.ID || !res.Verdict.Tested() || o == "" || !tabled[res.Behaviour] || !names[res.Transport] || !checked(kinds[res.Transport]) ||
			expect.RecordOnly(res.Behaviour, res.Transport) {
			continue
		}
		k := key{res.Behaviour, res.Transport}
		observed[k] = o
		order = append(order, k)
	}
	var changes []change
	covered := map[key]bool{}
	for _, row := range expect.Expectations() {
		if row.OS != env.OS {
			continue
		}
		var confirmed, pending []string
		var seenOutcomes []string
		contradicted := map[string][]string{}
		for _, tr := range row.Transports {
			k := key{row.Behaviour, tr}
			covered[k] = true
			o, ok := observed[k]
			switch {
			case !ok:
				pending = append(pending, tr)
			case slices.Contains(row.Outcomes, o):
				confirmed = append(confirmed, tr)
				if !slices.Contains(seenOutcomes, o) {
					seenOutcomes = append(seenOutcomes, o)
				}
			default:
				contradicted[o] = append(contradicted[o], tr)
			}
		}
		if len(contradicted) == 0 && (row.Basis == expect.Measured || len(confirmed) == 0) {
			continue
		}
		c := change{old: goExpectation(row)}
		if len(confirmed) > 0 {
			nr := row
			nr.Transports = confirmed
			if row.Basis != expect.Measured {
				nr.Provenance = seen.provenance(row.Source)
			}
			line := goExpectation(nr)
			if len(row.Outcomes) > 1 {
				line += " // seen: " + quoted(seenOutcomes)
			}
			c.rows = append(c.rows, line)
		}
		for _, o := range slices.Sorted(maps.Keys(contradicted)) {
			why := "not as inferred from " + row.Source
			if row.Basis == expect.Measured {
				why = "not as " + row.Provenance.String()
				c.note = "CAUTION: this run contradicts a measured row (its spec failed): find out why before you paste"
			}
			c.rows = append(c.rows, goExpectation(expect.Expectation{Behaviour: row.Behaviour, OS: row.OS, Transports: contradicted[o],
				Outcomes: []string{o}, Provenance: seen.provenance(why)}))
		}
		if len(pending) > 0 {
			nr := row
			nr.Transports = pending
			c.rows = append(c.rows, goExpectation(nr)+" // not run here")
		}
		changes = append(changes, c)
	}
	// Built-ins with no row for this OS: one new row per behaviour and outcome.
	type group struct {
		behaviour, outcome string
		transports         []string
	}
	var groups []*group
	for _, k := range order {
		if covered[k] {
			continue
		}
		o := observed[k]
		i := slices.IndexFunc(groups, func(g *group) bool { return g.behaviour == k.behaviour && g.outcome == o })
		if i < 0 {
			groups = append(groups, &group{behaviour: k.behaviour, outcome: o})
			i = len(groups) - 1
		}
		groups[i].transports = append(groups[i].transports, k.transport)
	}
	for _, g := range groups {
		changes = append(changes, change{rows: []string{goExpectation(expect.Expectation{Behaviour: g.behaviour, OS: env.OS,
			Transports: g.transports, Outcomes: []string{g.outcome}, Provenance: seen.provenance("")})}})
	}
	return changes
}

// knobChanges compares the sweeps' classes with expect.KnobExpectations,
// per kind of transport: every built-in of the kind must agree. A Noisy
// sweep is no evidence either way (expect.CheckSweep): a kind whose
// sweeps were all noisy gets a note, not a row.
func knobChanges(r *report.Report, env report.Environment, kinds map[string]string, seen sighting) []change {
	type key struct{ kind, knob string }
	responses := map[key][]string{}
	var order, noisy []key
	names := builtins()
	for _, s := range r.Sweeps {
		kind := kinds[s.Transport]
		if s.Env != env.ID || !names[s.Transport] || !kernel.Probeable(harness.Kind(kind)) || s.Knob == measure.KnobPath {
			continue
		}
		k := key{kind, s.Knob}
		resp := s.Response()
		if resp == measure.Noisy {
			if !slices.Contains(noisy, k) {
				noisy = append(noisy, k)
			}
			continue
		}
		if _, ok := responses[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(responses[k], resp) {
			responses[k] = append(responses[k], resp)
		}
	}
	var changes []change
	for _, k := range noisy {
		if e, ok := expect.ExpectedKnob(env.OS, harness.Kind(k.kind), k.knob); !slices.Contains(order, k) && (!ok || e.Basis != expect.Measured) {
			changes = append(changes, change{note: fmt.Sprintf("%s %s: every sweep was %s (its repeats spread wider than the settings moved them), "+
				"which tells no class: run it again on a quieter machine", k.kind, k.knob, measure.Noisy)})
		}
	}
	for _, k := range order {
		got := responses[k]
		e, ok := expect.ExpectedKnob(env.OS, harness.Kind(k.kind), k.knob)
		agrees := ok && !slices.ContainsFunc(got, func(g string) bool { return !slices.Contains(e.Responses, g) })
		if agrees && e.Basis == expect.Measured {
			continue
		}
		c := change{}
		why := ""
		if ok {
			c.old, why = goKnob(e), e.Source
			if !agrees {
				why = "not as " + e.Provenance.String()
				if e.Basis == expect.Inferred {
					why = "not as inferred from " + e.Source
				} else {
					c.note = "CAUTION: this run contradicts a measured row (its sweep failed): find out why before you paste"
				}
			}
		}
		responsesSeen := got
		if agrees {
			responsesSeen = e.Responses
		}
		if len(got) > 1 {
			c.note = strings.TrimPrefix(c.note+"; ", "; ") + "the built-ins of this kind disagreed: each class seen is kept"
		}
		c.rows = []string{goKnob(expect.KnobExpectation{GOOS: env.OS, Kind: harness.Kind(k.kind), Knob: k.knob, Responses: responsesSeen,
			Provenance: seen.provenance(why)})}
		changes = append(changes, c)
	}
	return changes
}

// capacityChanges checks the report's capacity measurements of built-ins
// against expect.CapacityRules: an inferred rule that held on every one
// becomes measured; one that failed is reported for a fix by hand (a rule
// is code).
func capacityChanges(r *report.Report, env report.Environment, kinds map[string]string, seen sighting) []change {
	held, broken := map[int]bool{}, map[int][]string{}
	names := builtins()
	for _, c := range r.Capacities {
		if c.Env != env.ID || !names[c.Transport] || !checked(kinds[c.Transport]) {
			continue
		}
		checks, err := expect.CheckCapacity(env.OS, harness.Kind(kinds[c.Transport]), c.Capacity)
		if err != nil {
			continue
		}
		for _, ch := range checks {
			i := slices.IndexFunc(expect.CapacityRules, func(rule expect.CapacityRule) bool {
				return rule.GOOS == env.OS && rule.Rule == ch.Rule && slices.Contains(rule.Kinds, harness.Kind(kinds[c.Transport]))
			})
			switch {
			case i < 0:
			case ch.Matches:
				held[i] = true
			default:
				broken[i] = append(broken[i], c.Transport+": "+ch.Detail)
			}
		}
	}
	var changes []change
	for i, rule := range expect.CapacityRules {
		where := fmt.Sprintf("expect.CapacityRules, the rule %q for %s on %s", rule.Rule, kindList(rule.Kinds), rule.GOOS)
		switch {
		case len(broken[i]) > 0:
			changes = append(changes, change{note: where + " did not hold (" + strings.Join(broken[i], "; ") + "): fix or remove it by hand"})
		case held[i] && rule.Basis == expect.Inferred:
			changes = append(changes, change{note: where + " held on every measurement: set its provenance",
				old: "Provenance: " + goProvenance(rule.Provenance) + ",", rows: []string{"Provenance: " + goProvenance(seen.provenance(rule.Source)) + ","}})
		}
	}
	return changes
}

func kindList(ks []harness.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// goExpectation is a row of internal/expect/expectations.go as Go source.
func goExpectation(e expect.Expectation) string {
	return fmt.Sprintf("{Behaviour: %q, OS: %q, Transports: %s, Outcomes: %s, Provenance: %s},",
		e.Behaviour, e.OS, goStrings(e.Transports), goStrings(e.Outcomes), goProvenance(e.Provenance))
}

// goKnob is a row of expect.KnobExpectations as Go source.
func goKnob(e expect.KnobExpectation) string {
	kind := map[harness.Kind]string{harness.KindTCP: "KindTCP", harness.KindUnix: "KindUnix", harness.KindPipe: "KindPipe"}[e.Kind]
	knob := map[string]string{measure.KnobSndbuf: "KnobSndbuf", measure.KnobRcvbuf: "KnobRcvbuf", measure.KnobPipeSize: "KnobPipeSize"}[e.Knob]
	return fmt.Sprintf("{%q, %s, %s, %s, %s},", e.GOOS, cmp.Or(kind, fmt.Sprintf("Kind(%q)", e.Kind)), cmp.Or(knob, fmt.Sprintf("%q", e.Knob)),
		goStrings(e.Responses), goProvenance(e.Provenance))
}

func goProvenance(p expect.Provenance) string {
	if p.Basis == expect.Measured {
		return fmt.Sprintf("Seen(%q, %q, %q, %q)", p.Kernel, p.Go, p.Date, p.Source)
	}
	return fmt.Sprintf("FromSource(%q)", p.Source)
}

func goStrings(ss []string) string { return "[]string{" + quoted(ss) + "}" }

func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
