package gallery

import (
	"strings"
	"testing"

	"github.com/streamspec/streamspec/harness/report"
)

func cell(entry, spec string, v report.Verdict, msg string) Cell {
	return Cell{Result: report.Result{Transport: entry, Behaviour: spec, Verdict: v, Reason: firstLine(msg)}, Message: msg}
}

// TestCheck proves each way a run and the findings can disagree is caught,
// and that agreement is not.
func TestCheck(t *testing.T) {
	entries, specs := []string{"lib"}, []string{"integrity", "read-deadline", "concurrent-writes"}
	deadline := Finding{Entry: "lib", Behaviour: "read-deadline", Seen: "does not match os.ErrDeadlineExceeded", Class: Nonconformance}
	race := Finding{Entry: "lib", Behaviour: "concurrent-writes", Seen: "not one whole Write", Class: DesignChoice, Intermittent: true}
	healthy := []Cell{
		cell("lib", "integrity", report.Pass, ""),
		cell("lib", "read-deadline", report.Fail, "Read past its deadline: error \"x\"\ndoes not match os.ErrDeadlineExceeded"),
		cell("lib", "concurrent-writes", report.Fail, "record 3 is not one whole Write"),
	}
	replace := func(i int, c Cell) []Cell {
		out := append([]Cell(nil), healthy...)
		out[i] = c
		return out
	}
	for _, tc := range []struct {
		name     string
		cells    []Cell
		findings []Finding
		want     string // in the one problem expected; "" for none
	}{
		{"agree", healthy, []Finding{deadline, race}, ""},
		{"the race did not strike", replace(2, cell("lib", "concurrent-writes", report.Pass, "")), []Finding{deadline, race}, ""},
		{"a failure without a finding", healthy, []Finding{race}, "unexplained failure: read-deadline on lib"},
		{"a fixed failure", replace(1, cell("lib", "read-deadline", report.Pass, "")), []Finding{deadline, race}, "stale finding: read-deadline on lib"},
		{"the same spec failing otherwise", replace(1, cell("lib", "read-deadline", report.Fail, "Read hung")), []Finding{deadline, race}, "read-deadline on lib"},
		{"a wrong pass put right", replace(0, cell("lib", "integrity", report.Fail, "byte 7 differs")),
			[]Finding{deadline, race, {Entry: "lib", Behaviour: "integrity", Verdict: report.Pass, Class: HarnessDefect(3)}}, "integrity on lib"},
		{"a run that broke off", healthy[:2], []Finding{deadline}, "concurrent-writes on lib: no result"},
		{"a finding for no entry", healthy, []Finding{deadline, race, {Entry: "gone", Behaviour: "integrity"}}, "no such gallery entry"},
		{"a finding for no spec", healthy, []Finding{deadline, race, {Entry: "lib", Behaviour: "integirty"}}, "no such spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, _ := Check(tc.cells, entries, specs, tc.findings)
			if tc.want == "" {
				if len(problems) > 0 {
					t.Fatalf("problems on an agreeing run: %q", problems)
				}
				return
			}
			if len(problems) == 0 {
				t.Fatalf("no problem found, want one saying %q", tc.want)
			}
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Fatalf("problems %q, want one saying %q", problems, tc.want)
		})
	}
}

// TestCheckUnavailable: an entry that cannot run on this machine (a relay
// whose program is missing) has nothing to check, and is not stale.
func TestCheckUnavailable(t *testing.T) {
	cells := []Cell{cell("relay", "integrity", report.Unavailable, "no haproxy")}
	f := Finding{Entry: "relay", Behaviour: "integrity", Seen: "x", Class: DesignChoice}
	if problems, _ := Check(cells, []string{"relay"}, []string{"integrity"}, []Finding{f}); len(problems) > 0 {
		t.Fatalf("problems for an unavailable entry: %q", problems)
	}
}

// TestFindingsNameRealEntries keeps findings.go in step with the entries
// without running the gallery.
func TestFindingsNameRealEntries(t *testing.T) {
	names := map[string]bool{}
	for _, e := range Entries() {
		names[e.Name] = true
	}
	for _, f := range Findings {
		if !names[f.Entry] || f.Class == "" || f.Why == "" || f.Citation == "" {
			t.Errorf("finding %s on %s: needs a registered entry, a class, a why and a citation", f.Behaviour, f.Entry)
		}
	}
}
