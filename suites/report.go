package suites

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/report"
)

// ReportDirEnv names the environment variable that sets where the report
// files go; the -streamspec.report-dir flag overrides it. "off" writes
// none. A relative path is taken from the module root, since go test runs
// each package in its own directory; {package} and {test} in it become the
// package's path from the module root and the test that called Run.
const reportDirEnv = "STREAMSPEC_REPORT_DIR"

// DefaultReportDir is where the report files go unless told: one
// directory per package and test, so that no test's report replaces
// another's. Under DescribeConformance in a Ginkgo suite of one's own,
// {test} is empty.
const defaultReportDir = "out/report/{package}/{test}"

var reportDir = flag.String("streamspec.report-dir", "",
	"where the conformance report goes (default: "+defaultReportDir+" under the module root; off: no files); also $"+reportDirEnv)

// columns lists the transports in the order DescribeConformance declared
// them: the matrix's column order. Every Ginkgo process declares the same
// tree, so process 1, which writes the report, knows it.
var columns []string

// The report is built once the whole suite has run, on process 1 under
// ginkgo -p, from the spec reports and their entries, so it works the
// same under suites.Run, ginkgo and ginkgo -p. A suite that ran no
// streamspec spec gets no report.
var _ = ReportAfterSuite("streamspec conformance report", func(r Report) {
	env := report.Here(r.StartTime)
	env.Suite, env.Parallel = r.SuiteDescription, r.SuiteConfig.ParallelTotal
	rep := report.FromGinkgo(r, catalogue.All(), columns, env)
	if len(rep.Results) == 0 {
		return
	}
	rep.AttachReference()
	_, reporter := GinkgoConfiguration()
	color := !reporter.NoColor && report.ColorTerminal(os.Stdout)
	fmt.Println()
	_ = rep.Text(os.Stdout, report.TextOptions{Color: color})
	dir := outputDir(cmp.Or(*reportDir, os.Getenv(reportDirEnv)), r.SuitePath, runTest, os.Getenv(childEnv) != "")
	if dir == "" {
		return
	}
	if err := rep.WriteFiles(dir); err != nil {
		suiteFailed.Store(true)
		Fail(fmt.Sprintf("writing the conformance report to %s: %v (set %s=off to skip it)", dir, err, reportDirEnv))
	}
	fmt.Printf("report: %s/conformance.{txt,md,json,html}\n", dir)
})

// outputDir is where the report files go for the suite in suitePath, run
// by test, or "" for none: dir (DefaultReportDir when empty) with its
// placeholders filled, under the module root unless absolute. A child run
// of Run (child) whose dir has no {test} writes to a subdirectory named
// after its test, so it never replaces the files of the run in the parent.
func outputDir(dir, suitePath, test string, child bool) string {
	if dir == "off" {
		return ""
	}
	dir = cmp.Or(dir, defaultReportDir)
	if child && !strings.Contains(dir, "{test}") {
		dir = filepath.Join(dir, "{test}")
	}
	root := moduleRoot(suitePath)
	pkg, err := filepath.Rel(root, suitePath)
	if err != nil || pkg == "." {
		pkg = ""
	}
	dir = strings.NewReplacer("{package}", pkg, "{test}", test).Replace(dir)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	return filepath.Clean(dir)
}

// moduleRoot is the nearest directory at or above dir with a go.mod, or
// dir itself.
func moduleRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
