package proof_test

import (
	"regexp"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/streamspec/streamspec/suites"
)

// TestObservedChecksFail runs each observed spec against its impostor and
// passes only if every one of them failed on its expectation.
func TestObservedChecksFail(t *testing.T) {
	var focus []string
	for id, tr := range impostors() {
		container := "proof " + id
		Describe(container, func() { suites.DescribeConformance(tr) })
		focus = append(focus, regexp.QuoteMeta(" "+container+" "+tr.Name()+" "+id)+"$") // after the suite description
	}
	var report Report
	ReportAfterSuite("collect", func(r Report) { report = r })
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.FocusStrings = []string{strings.Join(focus, "|")}
	reporterConfig.Succinct = true
	RegisterFailHandler(Fail)
	if RunSpecs(failures{}, "observed expectation proofs", suiteConfig, reporterConfig) {
		t.Fatal("every spec passed against its impostor")
	}

	failedWell := map[string]bool{}
	for _, s := range report.SpecReports {
		if s.LeafNodeText == "" || s.State.Is(types.SpecStateSkipped) {
			continue
		}
		msg := s.Failure.Message
		t.Logf("%s: %s %s", s.FullText(), s.State, msg)
		if s.State.Is(types.SpecStateFailed) && strings.Contains(msg, "expected \"") && strings.Contains(msg, "source: ") {
			failedWell[s.LeafNodeText] = true
		}
	}
	for id := range impostors() {
		if !failedWell[id] {
			t.Errorf("%s: its impostor did not fail the expectation check", id)
		}
	}
}

// failures stands in for testing.T so that the specs' expected failures do
// not fail the Go test; the test judges the report instead.
type failures struct{}

func (failures) Fail() {}
