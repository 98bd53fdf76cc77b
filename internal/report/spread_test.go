package report

import "testing"

// spreads builds an observed row from each transport's repeated values.
func spreads(samples map[string][]int64) *Report {
	r := New(Environment{ID: "linux", OS: "linux"})
	r.AddBehaviour(Behaviour{ID: "b", Area: "a", Class: "observed"})
	for _, name := range []string{"tcp4", "tcp6", "unix", "os-pipe", "tls", "my-mux"} {
		if v, ok := samples[name]; ok {
			r.AddTransport(Transport{Name: name, Env: "linux", Kind: kinds[name]})
			s := SpreadOf("wakeup_after_bytes", v)
			r.AddResult(Result{Behaviour: "b", Transport: name, Env: "linux", Verdict: Pass, Summary: s.Range(), Spread: s})
		}
	}
	r.Derive()
	return r
}

// A verdict compares ranges, each with the tolerance its own repeats
// show, never single samples: the two runs, whose first samples
// swapped places, give one verdict; values that do not vary are compared
// exactly; ranges apart by more than their widths differ.
func TestSpreadVerdicts(t *testing.T) {
	for _, c := range []struct {
		samples map[string][]int64
		want    string
	}{
		{map[string][]int64{"tcp4": {655360, 393216, 1310720}, "tcp6": {1441792, 524288, 393216}, "unix": {196608, 196608, 196608}},
			"differs: TCP (tcp4, tcp6) vs unix"},
		{map[string][]int64{"tcp4": {1310720, 393216, 1441792}, "tcp6": {262144, 1310720, 655360}, "unix": {196608, 196608, 196608}},
			"differs: TCP (tcp4, tcp6) vs unix"},
		{map[string][]int64{"tcp4": {4243968, 4243968, 4243968}, "tcp6": {4243968, 4243968, 4243968}, "tls": {3866624, 3956736, 3866624}},
			"differs: TCP (tcp4, tcp6) vs tls"},
		{map[string][]int64{"tcp4": {4243968}, "tcp6": {4243969}}, "differs: tcp4 vs tcp6"},
	} {
		if got := spreads(c.samples).Rows[0].Verdict; got != c.want {
			t.Errorf("%v: %q, want %q", c.samples, got, c.want)
		}
	}
	// The old key, the summary of one sample, split the first two.
	one := func(v int64) *Spread { return SpreadOf("wakeup_after_bytes", []int64{v}) }
	if meets(one(655360), one(1441792)) {
		t.Error("single samples that differ met")
	}
}

// A cell that holds the error an observed spec could not go on from is
// an error, not a value that holds.
func TestErrorCells(t *testing.T) {
	r := cells("linux", "observed", kinds, map[string]string{"my-mux": "measuring capacity: sample 1 of 3: 64 MiB accepted without blocking"})
	r.Results[0].Values = map[string]any{StepError: "64 MiB accepted without blocking"}
	r.Derive()
	if row := r.Rows[0]; row.Status != Errors || row.Verdict != "could not measure on my-mux" {
		t.Errorf("an error cell: %+v", row)
	}
	r = cells("linux", "observed", kinds, map[string]string{"tcp4": "EOF", "unix": "EOF", "my-mux": "x"})
	r.Results[2].Values = map[string]any{StepError: "x"}
	r.Derive()
	if row := r.Rows[0]; row.Status != Errors || row.Verdict != "could not measure on my-mux; same on the others: EOF" {
		t.Errorf("an error beside values: %+v", row)
	}
}

// Where every pair woke by one kernel rule, the rule is compared, not
// the bytes drained, which move with the timing of window updates.
func TestOutcomeOverSpread(t *testing.T) {
	r := spreads(map[string][]int64{"tcp4": {393216, 393216}, "tcp6": {1310720, 1441792}, "unix": {196608}})
	for i, o := range []string{"two thirds", "two thirds", "a quarter"} {
		r.Results[i].Values = map[string]any{"outcome": o}
	}
	r.Derive()
	if got := r.Rows[0].Verdict; got != "differs: TCP (tcp4, tcp6) vs unix" {
		t.Errorf("%q", got)
	}
}
