package gallery

import (
	"slices"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/report"
)

func cell(entry, spec string, v report.Verdict, msg string) Cell {
	return Cell{Result: report.Result{Transport: entry, Behaviour: spec, Verdict: v, Reason: firstLine(msg)}, Message: msg}
}

func observed(entry, spec, outcome string) Cell {
	c := cell(entry, spec, report.Pass, "")
	c.Values = map[string]any{"outcome": outcome}
	return c
}

var checkSpecs = []catalogue.Behaviour{catalogue.Integrity, catalogue.ReadDeadlines, catalogue.ConcurrentWrites}

// TestCheck proves each way a run and the findings can disagree is caught,
// and that agreement is not.
func TestCheck(t *testing.T) {
	entries := []Entry{{Name: "lib"}}
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
			[]Finding{deadline, race, {Entry: "lib", Behaviour: "integrity", Verdict: report.Pass, Class: Nonconformance}}, "integrity on lib"},
		{"the other message of one cause", replace(1, cell("lib", "read-deadline", report.Fail, "Read hung")),
			[]Finding{race, {Entry: "lib", Behaviour: "read-deadline", Seen: "does not match", OrSeen: []string{"Read hung"}, Class: Nonconformance}}, ""},
		{"a run that broke off", healthy[:2], []Finding{deadline}, "concurrent-writes on lib: no result"},
		{"a finding for no entry", healthy, []Finding{deadline, race, {Entry: "gone", Behaviour: "integrity"}}, "no such gallery entry"},
		{"a finding for no spec", healthy, []Finding{deadline, race, {Entry: "lib", Behaviour: "integirty"}}, "no such spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, _, _ := Check(Run{Cells: tc.cells, Entries: entries, Behaviours: checkSpecs}, tc.findings)
			wantProblem(t, problems, tc.want)
		})
	}
}

// TestCheckRecordedErrors proves that an observed spec that recorded an
// error instead of a measurement needs a finding, as a failure does.
func TestCheckRecordedErrors(t *testing.T) {
	entries := []Entry{{Name: "lib"}}
	hung := observed("lib", "nagle-delayed-ack", "write-write-read: hung")
	hung.Values["error"] = "pair 0 B replies hung: no return within 2s"
	hung.Summary = "write-write-read: " + hung.Values["error"].(string)
	specs := []catalogue.Behaviour{catalogue.NagleDelayedACK}
	problems, _, _ := Check(Run{Cells: []Cell{hung}, Entries: entries, Behaviours: specs}, nil)
	wantProblem(t, problems, "unexplained error: nagle-delayed-ack on lib")
	explained := Finding{Entry: "lib", Behaviour: "nagle-delayed-ack", Verdict: report.Pass, Seen: "B replies hung", Class: DesignChoice}
	problems, _, _ = Check(Run{Cells: []Cell{hung}, Entries: entries, Behaviours: specs}, []Finding{explained})
	wantProblem(t, problems, "")
	problems, _, _ = Check(Run{Cells: []Cell{observed("lib", "nagle-delayed-ack", "default: no stall")}, Entries: entries, Behaviours: specs}, nil)
	wantProblem(t, problems, "")
}

// wantProblem asserts that problems hold one saying want, or none if want
// is "".
func wantProblem(t *testing.T, problems []string, want string) {
	t.Helper()
	if want == "" {
		if len(problems) > 0 {
			t.Fatalf("problems on an agreeing run: %q", problems)
		}
		return
	}
	for _, p := range problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Fatalf("problems %q, want one saying %q", problems, want)
}

// TestCheckProxy: a proxy variant needs results for the contract and the
// close specs only; its observed outcomes, with the short and the long
// horizon, must start as it expects; a version other than the one
// measured is run and shown but not checked.
func TestCheckProxy(t *testing.T) {
	specs := []catalogue.Behaviour{catalogue.Integrity, catalogue.Lifetimes, catalogue.Coalescing}
	proxy := Entry{Name: "relay", Proxy: &Proxy{Specs: []string{"integrity", "lifetimes"}, Measured: "2.6",
		Expect: map[string]string{"lifetimes": "A half-closed: survived", LongLifetimes: "A half-closed: cut: EOF"}}}
	healthy := []Cell{cell("relay", "integrity", report.Pass, ""), observed("relay", "lifetimes", "A half-closed: survived; idle: survived")}
	long := map[string]Cell{"relay": observed("relay", "lifetimes", "A half-closed: cut: EOF; idle: survived")}
	for _, tc := range []struct {
		name    string
		cells   []Cell
		long    map[string]Cell
		version string
		want    string
	}{
		{"agree, coalescing not run by a variant", healthy, long, "relay 2.6.12", ""},
		{"another outcome", []Cell{healthy[0], observed("relay", "lifetimes", "A half-closed: cut: EOF")}, long, "relay 2.6.12",
			"unexpected outcome: lifetimes on relay"},
		{"another long outcome", healthy, map[string]Cell{"relay": observed("relay", "lifetimes", "A half-closed: survived")}, "relay 2.6.12",
			"unexpected outcome: lifetimes@long on relay"},
		{"no long run", healthy, nil, "relay 2.6.12", "lifetimes@long on relay: no result"},
		{"a failure on another version", []Cell{cell("relay", "integrity", report.Fail, "byte 1 differs"), healthy[1]}, nil, "relay 2.8.1", ""},
		{"a failure on the measured version", []Cell{cell("relay", "integrity", report.Fail, "byte 1 differs"), healthy[1]}, long, "relay 2.6.12",
			"unexplained failure: integrity on relay"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, _, _ := Check(Run{Cells: tc.cells, Long: tc.long, Entries: []Entry{proxy}, Behaviours: specs,
				Versions: map[string]string{"relay": tc.version}}, nil)
			wantProblem(t, problems, tc.want)
		})
	}
}

// TestCheckUnavailable: an entry that cannot run on this machine (a relay
// whose program is missing) has nothing to check, and is not stale.
func TestCheckUnavailable(t *testing.T) {
	cells := []Cell{cell("relay", "integrity", report.Unavailable, "no haproxy")}
	f := Finding{Entry: "relay", Behaviour: "integrity", Seen: "x", Class: DesignChoice}
	run := Run{Cells: cells, Entries: []Entry{{Name: "relay", Proxy: &Proxy{Expect: map[string]string{LongLifetimes: "x"}}}},
		Behaviours: []catalogue.Behaviour{catalogue.Integrity}}
	if problems, _, _ := Check(run, []Finding{f}); len(problems) > 0 {
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

// TestSSHRaceMessages: every message the ssh concurrent-writes race has
// given (CI's gallery run, and 80 runs of the spec alone) is its finding's,
// and a failure of another kind is not.
func TestSSHRaceMessages(t *testing.T) {
	i := slices.IndexFunc(Findings, func(f Finding) bool { return f.Entry == "ssh" && f.Behaviour == "concurrent-writes" })
	if i < 0 {
		t.Fatal("no ssh concurrent-writes finding")
	}
	f := Findings[i]
	for _, msg := range []string{
		"reader: record 14 (at byte 2339809), writer 5 seq 1, is not one whole Write: its 1048576 bytes differ from byte 238273 on (torn, or interleaved with another Write)",
		"reader: record 12: EOF", // CI
		"reader: record 3, writer 2 seq 0 (1048576 bytes): unexpected EOF",
		"writer 6: Write of 262151 bytes = 0, EOF",
		"writer 2: Write of 1048576 bytes = 664253, write tcp4 127.0.0.1:41000->127.0.0.1:42000: write: connection reset by peer",
		"writer 4: Write of 1048576 bytes = 0, write tcp4 127.0.0.1:41000->127.0.0.1:42000: write: broken pipe",
	} {
		if !f.seenIn(msg) {
			t.Errorf("the finding does not explain %q", msg)
		}
	}
	if msg := "reader, writer 3 (no progress after 1048576 bytes) hung: no return within 2s"; f.seenIn(msg) {
		t.Errorf("the finding explains a hang, which is not its cause: %q", msg)
	}
}
