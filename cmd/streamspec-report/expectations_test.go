package main

import (
	"bytes"
	"go/parser"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/report"
)

// testdata/linux.json is a real report of the built-in matrix (go tool
// ginkgo run -p ./suites, Linux 6.18.44, 2026-11-29), trimmed to what the
// command reads. The Linux rows are measured and agree with it.
const linuxReport = "testdata/linux.json"

func expectationsOf(t *testing.T, r *report.Report) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.JSON(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"expectations", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	return stdout.String()
}

func loadFixture(t *testing.T) *report.Report {
	t.Helper()
	r, err := load(linuxReport)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExpectationsLinuxNoChanges(t *testing.T) {
	out := expectationsOf(t, loadFixture(t))
	if !strings.Contains(out, "// no changes") || strings.Count(out, "\n") != 2 {
		t.Errorf("a Linux report that agrees with the measured rows asks for changes:\n%s", out)
	}
}

// The same outcomes reported from a Mac: inferred rows they confirm
// become measured with the report's kernel and date, rows they contradict
// are replaced by what was seen, built-ins without a row get one, and
// every printed row is Go.
func TestExpectationsDarwin(t *testing.T) {
	r := asDarwin(loadFixture(t))
	out := expectationsOf(t, r)
	t.Log(out)
	for _, want := range []string{
		// confirmed: coalescing on the kernel transports, now measured
		`{Behaviour: "coalescing-splitting", OS: "darwin", Transports: []string{"tcp4", "tcp6", "unix", "unix-socketpair", "os-pipe"}, Outcomes: []string{"small writes coalesced"}, Provenance: Seen("Darwin 24.5.0", "go1.26.8", "2026-12-01", "xnu bsd/kern/uipc_socket.c soreceive`,
		// a set, one outcome seen
		`// seen: "read: data, EOF; write: ok, EPIPE"`,
		// contradicted: Linux TCP delivers data after SHUT_RD
		`Transports: []string{"tcp4", "tcp6"}, Outcomes: []string{"peer write: ok; read: data, EOF"}, Provenance: Seen("Darwin 24.5.0", "go1.26.8", "2026-12-01", "not as inferred from xnu`,
		// knob: TCP follows SO_RCVBUF where XNU was read as mixed
		`{"darwin", KindTCP, KnobRcvbuf, []string{"follows"}, Seen("Darwin 24.5.0"`,
		`{"darwin", KindUnix, KnobRcvbuf, []string{"ignores"}, Seen("Darwin 24.5.0"`,
		// capacity rules
		`the rule "at most the sender's SO_SNDBUF" for unix on darwin did not hold`,
		`the rule "at most 65 536 B" for pipe on darwin held on every measurement`,
		// no darwin row for netns: added
		"// add\n\t{Behaviour: \"close-read\", OS: \"darwin\", Transports: []string{\"netns\"}",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %s", want)
		}
	}
	rows := 0
	for l := range strings.Lines(out) {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		rows++
		src, _, _ := strings.Cut(l, " //")
		if _, err := parser.ParseExpr("T{" + strings.TrimSuffix(src, ",") + "}"); err != nil {
			t.Errorf("not Go: %s: %v", l, err)
		}
	}
	if rows < 10 {
		t.Errorf("%d rows printed", rows)
	}
}

// A run that contradicts a measured row (its spec failed) is printed with
// a caution.
func TestExpectationsContradictMeasured(t *testing.T) {
	r := loadFixture(t)
	for i, res := range r.Results {
		if res.Behaviour == "close-read" && res.Transport == "tcp4" {
			r.Results[i].Verdict, r.Results[i].Values = report.Fail, map[string]any{"outcome": "peer write: EPIPE; read: EOF"}
		}
	}
	out := expectationsOf(t, r)
	for _, want := range []string{"CAUTION: this run contradicts a measured row", `Outcomes: []string{"peer write: EPIPE; read: EOF"}`,
		`Transports: []string{"tcp6", "netns"}, Outcomes: []string{"peer write: ok; read: data, EOF"}, Provenance: Seen("Linux 6.18.44", "go1.26.8", "2026-11-25"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %s:\n%s", want, out)
		}
	}
}

// A sweep too noisy to classify is no evidence: where every sweep of a
// kind was noisy, an inferred row gets a note and no replacement row.
func TestExpectationsNoisySweeps(t *testing.T) {
	r := asDarwin(loadFixture(t))
	for i, s := range r.Sweeps {
		if s.Knob != measure.KnobRcvbuf {
			continue
		}
		for j, p := range s.Points {
			// repeats 40% apart around each point: Noisy whatever the points
			r.Sweeps[i].Points[j].Samples = []int64{p.AcceptedBytes * 7 / 10, p.AcceptedBytes, p.AcceptedBytes * 13 / 10}
		}
		if got := r.Sweeps[i].Response(); got != measure.Noisy {
			t.Fatalf("%s: the fixture says %s", s.Transport, got)
		}
	}
	out := expectationsOf(t, r)
	if strings.Contains(out, "KnobRcvbuf") {
		t.Errorf("a row was read from noisy sweeps:\n%s", out)
	}
	for _, want := range []string{"// tcp so_rcvbuf: every sweep was noisy", "// unix so_rcvbuf: every sweep was noisy"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %s:\n%s", want, out)
		}
	}
}

func TestExpectationsNeedsKernelAndDate(t *testing.T) {
	r := loadFixture(t)
	r.Environments[0].KernelRelease = ""
	path := filepath.Join(t.TempDir(), "r.json")
	f, _ := os.Create(path)
	_ = r.JSON(f)
	f.Close()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"expectations", path}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "kernel_release") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// asDarwin relabels a report as a Mac's.
func asDarwin(r *report.Report) *report.Report {
	old := r.Environments[0].ID
	r.Environments[0] = report.Environment{ID: "darwin", OS: "darwin", OSVersion: "macOS 15.5", KernelRelease: "24.5.0", Arch: "arm64",
		GoVersion: "go1.26.8", Date: "2026-12-01T10:00:00Z"}
	for i := range r.Transports {
		if r.Transports[i].Env == old {
			r.Transports[i].Env = "darwin"
		}
	}
	for i := range r.Results {
		r.Results[i].Env = "darwin"
	}
	for i := range r.Capacities {
		r.Capacities[i].Env = "darwin"
	}
	for i := range r.Sweeps {
		r.Sweeps[i].Env = "darwin"
	}
	return r
}
