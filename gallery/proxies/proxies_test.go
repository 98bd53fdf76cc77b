package proxies_test

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/gallery/proxies"
	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/harness/report"
	"github.com/streamspec/streamspec/suites"
)

// variant is a proxy configuration and what it must show with the
// default 3 s horizon: the contract specs it fails (every other contract
// spec must pass), its lifetimes outcome, and the start of its reset rows'
// outcomes (A resetting, B resetting).
type variant struct {
	tr          harness.Transport
	fails       []string
	boundary    string // a contract spec that may pass or fail: a timeout equal to its 1 s silence
	lifetimes   string
	resetByA    string // abortive-close-by-a: what B sees
	resetByB    string // abortive-close: what A sees
	explanation string
}

const (
	survives   = "A half-closed: survived; B half-closed: survived; idle: survived"
	rstPassed  = "read: data, ECONNRESET, EOF"
	rstIsFIN   = "read: data, EOF"
	halfClosed = "half-close"
	silence    = "half-close-reply-after-silence"
)

func variants() []variant {
	return []variant{
		{tr: proxies.Haproxy("haproxy"), lifetimes: survives, resetByA: rstPassed, resetByB: rstIsFIN,
			explanation: "Debian's timeouts (client, server 50 s) are beyond the 3 s horizon"},
		{tr: proxies.Haproxy("haproxy-client-fin-1s", "timeout client-fin 1s"),
			lifetimes: "A half-closed: survived; B half-closed: cut: EOF; idle: survived", resetByA: rstPassed, resetByB: rstIsFIN,
			explanation: "client-fin cuts a connection the server half-closed once the client has been idle 1 s"},
		{tr: proxies.Haproxy("haproxy-server-fin-500ms", "timeout server-fin 500ms"), fails: []string{silence},
			lifetimes: "A half-closed: cut: EOF; B half-closed: survived; idle: survived", resetByA: rstPassed, resetByB: rstIsFIN,
			explanation: "server-fin cuts a connection the client half-closed once the server has been idle 0.5 s"},
		{tr: proxies.Nginx("nginx"), fails: []string{halfClosed, silence},
			lifetimes: "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived", resetByA: rstIsFIN, resetByB: rstIsFIN,
			explanation: "proxy_half_close is off by default: an EOF from either side closes both"},
		{tr: proxies.Nginx("nginx-half-close", "proxy_half_close on;"), lifetimes: survives, resetByA: rstIsFIN, resetByB: rstIsFIN,
			explanation: "proxy_half_close on keeps each direction until its own side closes"},
		{tr: proxies.Nginx("nginx-timeout-500ms", "proxy_half_close on;", "proxy_timeout 500ms;"), fails: []string{silence},
			lifetimes: "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: cut: EOF", resetByA: rstIsFIN, resetByB: rstIsFIN,
			explanation: "proxy_timeout (10 min by default) closes a connection idle that long, half-closed or not"},
		{tr: proxies.Stunnel("stunnel"), lifetimes: survives, resetByA: rstIsFIN, resetByB: rstIsFIN,
			explanation: "TIMEOUTclose (60 s) and TIMEOUTidle (12 h) are beyond the 3 s horizon"},
		{tr: proxies.Stunnel("stunnel-timeoutclose-1", "TIMEOUTclose = 1"), boundary: silence,
			lifetimes: "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived", resetByA: rstIsFIN, resetByB: rstIsFIN,
			explanation: "TIMEOUTclose is how long stunnel keeps a half-closed connection"},
		{tr: proxies.Stunnel("stunnel-timeoutidle-1", "TIMEOUTidle = 1"),
			lifetimes: "A half-closed: survived; B half-closed: survived; idle: cut: RST", resetByA: rstIsFIN, resetByB: rstIsFIN,
			explanation: "TIMEOUTidle is how long stunnel keeps an idle connection"},
	}
}

// TestProxies runs the contract and the close specs against each proxy
// variant and checks every verdict against variants(): the failures its
// configuration explains, and no other.
func TestProxies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real proxies for about a minute")
	}
	vs := variants()
	for _, v := range vs {
		suites.DescribeConformance(v.tr)
	}
	var rep *report.Report
	ReportAfterSuite("collect", func(r Report) {
		rep = suites.FromGinkgo(r, harness.Catalogue(), nil, report.Here(time.Now()))
	})
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.LabelFilter = "contract || close"
	reporterConfig.Succinct = true
	RegisterFailHandler(Fail)
	RunSpecs(failures{}, "proxies", suiteConfig, reporterConfig)

	results := map[string]map[string]report.Result{}
	for _, r := range rep.Results {
		if results[r.Transport] == nil {
			results[r.Transport] = map[string]report.Result{}
		}
		results[r.Transport][r.Behaviour] = r
	}
	for _, v := range vs {
		name := v.tr.Name()
		got := results[name]
		if len(got) > 0 && got[silence].Verdict == report.Unavailable {
			t.Logf("%s: %s", name, got[silence].Reason)
			continue
		}
		for id, r := range got {
			b, _ := harness.Lookup(id)
			mustFail := strings.Contains(" "+strings.Join(v.fails, " ")+" ", " "+id+" ")
			switch {
			case b.Class != harness.Contract || id == v.boundary:
			case mustFail && r.Verdict != report.Fail:
				t.Errorf("%s %s: %s, want a failure (%s)", name, id, r.Verdict, v.explanation)
			case !mustFail && r.Verdict != report.Pass:
				t.Errorf("%s %s: %s: %s", name, id, r.Verdict, r.Reason)
			}
		}
		for id, want := range map[string]string{"lifetimes": v.lifetimes, "abortive-close-by-a": v.resetByA, "abortive-close": v.resetByB} {
			if outcome, _ := got[id].Values["outcome"].(string); !strings.HasPrefix(outcome, want) {
				t.Errorf("%s %s: %q (%s), want %q", name, id, outcome, got[id].Summary, want)
			}
		}
		t.Logf("%-26s lifetimes: %s | A resets, B sees: %s | B resets, A sees: %s",
			name, got["lifetimes"].Summary, got["abortive-close-by-a"].Summary, got["abortive-close"].Summary)
	}
}

// failures stands in for testing.T: the variants fail specs by design,
// and the test judges the report instead.
type failures struct{}

func (failures) Fail() {}
