package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/measure"
)

// FromGinkgo turns a Ginkgo suite report into a conformance report. A
// streamspec spec is an It inside a container labelled transport:<name>:
// the container's text is the transport, the It's text the behaviour.
// Other specs are ignored; behaviours missing from catalogue become rows
// of area "other". order gives the column order of known transports.
func FromGinkgo(r types.Report, catalogue []catalogue.Behaviour, order []string, env Environment) *Report {
	rep := New(env)
	env = rep.Environments[0]
	seen := map[string]bool{}
	var transports []Transport
	for _, sr := range r.SpecReports {
		res, t, ok := result(sr, env.ID)
		if !ok {
			continue
		}
		for _, e := range sr.ReportEntries {
			entry(rep, e, &res, &t)
		}
		rep.AddResult(res)
		transports = append(transports, t)
		seen[res.Behaviour] = true
	}
	for _, b := range catalogue {
		if seen[b.ID] {
			rep.AddBehaviour(Behaviour{ID: b.ID, Area: b.Area, Class: string(b.Class), Rule: b.Rule, Needs: abilities(b.Needs)})
		}
	}
	slices.SortStableFunc(transports, func(a, b Transport) int {
		return cmp.Compare(rank(order, a.Name), rank(order, b.Name))
	})
	for _, t := range transports {
		rep.AddTransport(t)
	}
	rep.Derive()
	return rep
}

// rank places known transports in declaration order, then the rest.
func rank(order []string, name string) int {
	if i := slices.Index(order, name); i >= 0 {
		return i
	}
	return len(order)
}

// result reads one spec report's cell; ok is false for specs that are not
// streamspec specs or that did not run (filtered out, pending).
func result(sr types.SpecReport, env string) (Result, Transport, bool) {
	if sr.LeafNodeType != types.NodeTypeIt {
		return Result{}, Transport{}, false
	}
	container := -1
	for i, labels := range sr.ContainerHierarchyLabels {
		if slices.ContainsFunc(labels, func(l string) bool { return strings.HasPrefix(l, "transport:") }) {
			container = i
		}
	}
	if container < 0 || container >= len(sr.ContainerHierarchyTexts) {
		return Result{}, Transport{}, false
	}
	t := Transport{Name: sr.ContainerHierarchyTexts[container], Env: env}
	res := Result{Behaviour: sr.LeafNodeText, Transport: t.Name, Env: env, State: sr.State.String(),
		Millis: math.Round(float64(sr.RunTime.Microseconds())/100) / 10}
	msg := sr.Failure.Message
	switch {
	case sr.State == types.SpecStatePassed:
		res.Verdict = Pass
	case sr.State.Is(types.SpecStateFailureStates):
		res.Verdict, res.Reason = Fail, firstLine(msg)
		if res.Reason == "" {
			res.Reason = sr.State.String()
		}
		if l := sr.Failure.Location; l.FileName != "" {
			res.Location = fmt.Sprintf("%s:%d", filepath.Base(l.FileName), l.LineNumber)
		}
	case sr.State == types.SpecStateSkipped && strings.HasPrefix(msg, UnsupportedPrefix):
		res.Verdict, res.Reason = Unsupported, strings.TrimPrefix(msg, UnsupportedPrefix)
	case sr.State == types.SpecStateSkipped && strings.HasPrefix(msg, UnavailablePrefix):
		res.Verdict, res.Reason = Unavailable, strings.TrimPrefix(msg, UnavailablePrefix)
	case sr.State == types.SpecStateSkipped && msg != "":
		res.Verdict, res.Reason = Skipped, firstLine(msg)
	default: // filtered out or pending: not a cell
		return Result{}, Transport{}, false
	}
	return res, t, true
}

// entry applies one report entry to the spec's result and transport, or
// to the report's capacities and sweeps. Entries that do not decode are
// ignored: a report never fails on a spec's entry.
func entry(rep *Report, e types.ReportEntry, res *Result, t *Transport) {
	data := e.Value.AsJSON // set when the entry crossed processes (ginkgo -p)
	if data == "" {
		if raw := e.Value.GetRawValue(); raw != nil {
			b, err := json.Marshal(raw)
			if err != nil {
				return
			}
			data = string(b)
		}
	}
	switch e.Name {
	case EntryPair:
		var p PairInfo
		if Decode([]byte(data), &p) == nil {
			t.Kind, t.Abilities, t.Notes = string(p.Kind), abilities(p.Abilities), p.Notes
		}
	case EntryObservation:
		var o Observation
		if Decode([]byte(data), &o) == nil {
			if o.Spread != nil {
				res.Spread = o.Spread
			}
			if o.Summary != "" {
				res.Summary = strings.TrimPrefix(res.Summary+"; "+o.Summary, "; ")
			}
			for k, v := range o.Values {
				if res.Values == nil {
					res.Values = map[string]any{}
				}
				res.Values[k] = v
			}
		}
	case bound.EntryClose:
		var ct bound.CloseTime
		if Decode([]byte(data), &ct) == nil {
			if res.Values == nil {
				res.Values = map[string]any{}
			}
			ms, _ := res.Values["close_ms"].(map[string]any)
			if ms == nil {
				ms = map[string]any{}
				res.Values["close_ms"] = ms
			}
			if prev, _ := ms[ct.Op].(float64); ct.Millis > prev {
				ms[ct.Op] = ct.Millis
			}
		}
	case measure.EntryCapacity:
		c := Capacity{Behaviour: res.Behaviour, Env: res.Env}
		if Decode([]byte(data), &c.Capacity) == nil {
			c.Transport = cmp.Or(c.Transport, res.Transport)
			rep.AddCapacity(c)
		}
	case expect.EntryCheck:
		var c expect.Check
		if Decode([]byte(data), &c) == nil {
			res.AddCheck(c)
		}
	case measure.EntrySweep:
		s := Sweep{Behaviour: res.Behaviour, Env: res.Env}
		if Decode([]byte(data), &s.Sweep) == nil {
			s.Transport = cmp.Or(s.Transport, res.Transport)
			rep.AddSweep(s)
		}
	}
}

func abilities(as []harness.Ability) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

// firstLine is the first non-empty line of a failure message.
func firstLine(s string) string {
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// EntryLeakCheck is the report entry in which the leak check says, under
// ginkgo -p, what it found of Ginkgo's pipe factory: "parked", "not
// parked" (still making its pipe when the wait ended) or "not found".
const EntryLeakCheck = "streamspec.leakcheck"
