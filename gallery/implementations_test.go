package gallery

import (
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/report"
)

// implRun is a run of the view's three measured columns: read-deadline
// (contract) and closed-peer-errors (observed) for each.
func implRun(results ...report.Result) *report.Report {
	return &report.Report{
		Environments: []report.Environment{{ID: "linux", OS: "linux"}},
		Behaviours: []report.Behaviour{
			{ID: "read-deadline", Class: "contract", Rule: "a Read past its deadline MUST fail"},
			{ID: "closed-peer-errors", Class: "observed"},
		},
		Results: results,
	}
}

func implResult(transport, behaviour string, v report.Verdict, outcome string) report.Result {
	r := report.Result{Transport: transport, Behaviour: behaviour, Verdict: v, Env: "linux", Summary: outcome}
	if outcome != "" {
		r.Values = map[string]any{"outcome": outcome}
	}
	return r
}

// TestImplementationsCheck proves each way the run and the rows can
// disagree is caught, and that agreement is not.
func TestImplementationsCheck(t *testing.T) {
	healthy := []report.Result{
		implResult("tcp4", "read-deadline", report.Pass, ""),
		implResult("mptcp", "read-deadline", report.Pass, ""),
		implResult("gvisor-netstack", "read-deadline", report.Fail, ""),
		implResult("tcp4", "closed-peer-errors", report.Pass, "ok, EPIPE"),
		implResult("mptcp", "closed-peer-errors", report.Pass, "ok"),
		implResult("gvisor-netstack", "closed-peer-errors", report.Pass, "ok, endpoint is closed for send"),
	}
	rows := []ImplRow{
		{Behaviour: "read-deadline", Differs: []string{"gvisor-netstack"}},
		{Behaviour: "closed-peer-errors", Differs: []string{"mptcp", "gvisor-netstack"}},
	}
	with := func(i int, r report.Result) []report.Result {
		out := append([]report.Result(nil), healthy...)
		out[i] = r
		return out
	}
	timing := []ImplRow{rows[0], {Behaviour: "closed-peer-errors", Differs: []string{"mptcp"}, Timing: []string{"gvisor-netstack"}}}
	for _, tc := range []struct {
		name    string
		results []report.Result
		rows    []ImplRow
		want    string // in the one problem expected; "" for none
	}{
		{"agree", healthy, rows, ""},
		{"a difference no row lists", with(1, implResult("mptcp", "read-deadline", report.Fail, "")), rows, "read-deadline differs from Linux TCP on [gvisor-netstack mptcp]"},
		{"a listed difference gone", with(4, implResult("mptcp", "closed-peer-errors", report.Pass, "ok, EPIPE")), rows, "closed-peer-errors differs from Linux TCP on [gvisor-netstack]"},
		{"an observed behaviour without a row", healthy, rows[:1], "closed-peer-errors has no row"},
		{"a row for nothing run", healthy, append(rows, ImplRow{Behaviour: "lifetimes"}), "a row for lifetimes"},
		{"a column that did not run", healthy[:5], rows, "closed-peer-errors differs"},
		{"timing is not compared", with(5, implResult("gvisor-netstack", "closed-peer-errors", report.Pass, "ok, EPIPE")), timing, ""},
		{"an unavailable column is not compared", with(4, implResult("mptcp", "closed-peer-errors", report.Unavailable, "")), rows, "closed-peer-errors differs from Linux TCP on [gvisor-netstack]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, _ := Implementations{Report: implRun(tc.results...), Rows: tc.rows}.Check()
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("problems %q, want none", problems)
			case tc.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], tc.want)):
				t.Errorf("problems %q, want one with %q", problems, tc.want)
			}
		})
	}
}
