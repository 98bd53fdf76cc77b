package proof_test

import (
	"fmt"
	"net"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/suites/internal/checkos"
	"github.com/streamspec/streamspec/transports"
)

// inferredOS is the OS whose expectations are all inferred: the built-ins
// are checked against its rows in the second proof.
const inferredOS = "darwin"

// differsHere lists what the Linux built-ins do differently from XNU as
// the source reads: each must be recorded as differing from the inferred
// expectation, and none may fail.
var differsHere = map[string][]string{
	"tcp4":            {"close-read", "nagle-delayed-ack", "capacity-vs-rcvbuf"},
	"unix-socketpair": {"close-read", "close-with-unread-data", "capacity"},
	"os-pipe":         nil,
}

// TestProofs runs both proofs in one Ginkgo suite (one per process):
// each observed spec against its impostor, which must fail the measured
// expectation it breaks; and real built-ins checked against another OS's
// inferred expectations, which must record every difference and fail none.
func TestProofs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the impostors break Linux's measured expectations, and the second proof needs an OS whose rows are all inferred")
	}
	var focus []string
	for id, tr := range impostors() {
		container := "proof " + id
		Describe(container, func() { suites.DescribeConformance(tr) })
		focus = append(focus, regexp.QuoteMeta(" "+container+" "+tr.Name()+" "+id)+"$") // after the suite description
	}
	for name, tr := range departureImpostors() {
		Describe("departure "+name, func() { suites.DescribeConformance(tr) })
		focus = append(focus, regexp.QuoteMeta(" departure "+name+" mptcp write-to-closed-peer")+"$")
	}
	Describe("inferred", func() {
		BeforeEach(func() {
			checkos.GOOS = inferredOS
			DeferCleanup(func() { checkos.GOOS = runtime.GOOS })
		})
		for _, tr := range []harness.Transport{transports.TCP4(), transports.Socketpair(), transports.Pipe()} {
			suites.DescribeConformance(tr)
		}
	})
	for name, ids := range differsHere {
		for _, id := range append(slices.Clone(ids), "close-with-unread-data", "capacity") {
			focus = append(focus, regexp.QuoteMeta(" inferred "+name+" "+id)+"$")
		}
	}
	var report Report
	ReportAfterSuite("collect", func(r Report) { report = r })
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.FocusStrings = []string{strings.Join(focus, "|")}
	reporterConfig.Succinct = true
	RegisterFailHandler(Fail)
	RunSpecs(failures{}, "observed expectation proofs", suiteConfig, reporterConfig)

	var impostorSpecs, inferredSpecs, departureSpecs types.SpecReports
	for _, s := range report.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || s.State.Is(types.SpecStateSkipped) {
			continue
		}
		t.Logf("%s: %s %s", s.FullText(), s.State, s.Failure.Message)
		if strings.HasPrefix(s.ContainerHierarchyTexts[0], "departure ") {
			departureSpecs = append(departureSpecs, s)
			continue
		}
		if s.ContainerHierarchyTexts[0] == "inferred" {
			inferredSpecs = append(inferredSpecs, s)
		} else {
			impostorSpecs = append(impostorSpecs, s)
		}
	}
	t.Run("a mismatch on a measured row fails", func(t *testing.T) { measuredFail(t, impostorSpecs) })
	t.Run("a mismatch on an inferred row is recorded and passes", func(t *testing.T) { inferredRecorded(t, report, inferredSpecs) })
	t.Run("a departure fails as measured, and only so", func(t *testing.T) { departuresJudged(t, departureSpecs) })
}

// measuredFail: every impostor failed the expectation check, with the
// expectation and its measured provenance in the message.
func measuredFail(t *testing.T, specs types.SpecReports) {
	failedWell := map[string]bool{}
	for _, s := range specs {
		msg := s.Failure.Message
		if s.State.Is(types.SpecStateFailed) && strings.Contains(msg, "expected \"") && strings.Contains(msg, "source: measured on ") {
			failedWell[s.LeafNodeText] = true
		}
	}
	for id := range impostors() {
		if !failedWell[id] {
			t.Errorf("%s: its impostor did not fail the expectation check", id)
		}
	}
}

// inferredRecorded: the built-ins checked against inferred rows all
// passed, each difference listed in differsHere was recorded with its XNU
// source, and the report shows it as differing from the inferred
// expectation.
func inferredRecorded(t *testing.T, r Report, specs types.SpecReports) {
	if len(specs) == 0 {
		t.Fatal("no built-in ran against the inferred expectations")
	}
	for _, s := range specs {
		if !s.State.Is(types.SpecStatePassed) {
			t.Errorf("%s: %s against inferred expectations: %s", s.FullText(), s.State, s.Failure.Message)
		}
	}
	r.SpecReports = specs // the impostors carry the same names
	rep := report.FromGinkgo(r, catalogue.All(), nil, report.Environment{OS: inferredOS})
	for name, ids := range differsHere {
		for _, b := range rep.Behaviours {
			res, ok := rep.Result(b.ID, report.Transport{Name: name, Env: rep.Environments[0].ID})
			if !ok {
				continue
			}
			want := slices.Contains(ids, b.ID)
			if got := len(res.Unexpected()) > 0; got != want {
				t.Errorf("%s on %s: recorded as differing from the inferred expectation: %v, want %v (checks %+v)", b.ID, name, got, want, res.Checks)
			}
			for _, c := range res.Unexpected() {
				if !strings.HasPrefix(c.Provenance.Source, "xnu ") || c.Provenance.Basis != expect.Inferred {
					t.Errorf("%s on %s: the difference cites %s", b.ID, name, c.Provenance)
				}
			}
		}
	}
	var md strings.Builder
	if err := rep.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	for name, ids := range differsHere {
		for _, id := range ids {
			if !strings.Contains(md.String(), fmt.Sprintf("- `%s` on %s: ", id, name)) {
				t.Errorf("the Markdown report does not list %s on %s as %s", id, name, report.DiffersFromInferred)
			}
		}
	}
}

// failures stands in for testing.T so that the specs' expected failures do
// not fail the Go test; the test judges the report instead.
type failures struct{}

func (failures) Fail() {}

// departureImpostors claim mptcp's name for write-to-closed-peer, which
// the departures table says mptcp fails by hanging: plain TCP, which
// passes it (the row is then stale), and TCP whose Writes to a closed
// peer succeed (a failure the row does not explain).
func departureImpostors() map[string]harness.Transport {
	tcp := transports.TCP4()
	return map[string]harness.Transport{
		"passes":   impostor(tcp, "mptcp", harness.KindTCP, func(c net.Conn) net.Conn { return c }),
		"swallows": impostor(tcp, "mptcp", harness.KindTCP, func(c net.Conn) net.Conn { return swallowTCPWriteErrors{c.(*net.TCPConn)} }),
	}
}

// departuresJudged: the impostor that passes fails as a stale row; the one
// that fails otherwise keeps its own failure.
func departuresJudged(t *testing.T, specs types.SpecReports) {
	want := map[string]string{"departure passes": "the row is stale", "departure swallows": "Writes to a closed peer succeeded"}
	for _, s := range specs {
		w := want[s.ContainerHierarchyTexts[0]]
		if !s.State.Is(types.SpecStateFailed) || !strings.Contains(s.Failure.Message, w) {
			t.Errorf("%s: %s %q, want a failure with %q", s.FullText(), s.State, s.Failure.Message, w)
		}
		delete(want, s.ContainerHierarchyTexts[0])
	}
	for c := range want {
		t.Errorf("%s: did not run", c)
	}
}
