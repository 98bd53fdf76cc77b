package suites

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestChildArgs(t *testing.T) {
	parent := []string{"-test.run=^(TestA|TestB)$", "-test.v=true", "-test.count", "2", "-test.testlogfile=/tmp/log",
		"-ginkgo.label-filter", "contract && !observed", "-ginkgo.json-report=out/report.json", "--ginkgo.parallel.process=2",
		"-test.timeout=10m0s"}
	got := childArgs(parent, "TestB/sub.1")
	want := []string{"-test.run=^TestB$/^sub\\.1$", "-test.count=1", "-test.v=true", "-ginkgo.label-filter=contract && !observed",
		"-ginkgo.json-report=out/report.TestB_sub.1.json", "-test.timeout=10m0s"}
	if !slices.Equal(got, want) {
		t.Errorf("childArgs =\n%q\nwant\n%q", got, want)
	}
}

func TestOutputDir(t *testing.T) {
	root := t.TempDir()
	pkg := filepath.Join(root, "a", "b")
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir, test string
		child     bool
		want      string
	}{
		{"", "TestX", false, "out/report/a/b/TestX"},
		{"", "", false, "out/report/a/b"},
		{"off", "TestX", false, ""},
		{"reports", "TestX", false, "reports"},
		{"reports", "TestX", true, "reports/TestX"},
		{"reports/{test}", "TestX", true, "reports/TestX"},
		{"/abs/{package}/{test}", "TestX", false, "/abs/a/b/TestX"},
	} {
		got := outputDir(c.dir, pkg, c.test, c.child)
		want := c.want
		if want != "" && !filepath.IsAbs(want) {
			want = filepath.Join(root, want)
		}
		if got != want {
			t.Errorf("outputDir(%q, test %q, child %v) = %q, want %q", c.dir, c.test, c.child, got, want)
		}
	}
}
