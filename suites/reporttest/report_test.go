package reporttest

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/internal/report"
)

var update = flag.Bool("update", false, "rewrite the report's golden files in testdata")

func fixture() *report.Report {
	return report.FromGinkgo(fixtureReport(), fixtureCatalogue, fixtureOrder, fixtureEnv)
}

// The Markdown, JSON and plain-text renderings of a fixed Ginkgo report
// match testdata/*.golden; go test ./suites/reporttest -update
// rewrites them after an intended change.
func TestReportGolden(t *testing.T) {
	rep := fixture()
	for name, render := range map[string]func(io.Writer) error{
		"report.md":   rep.Markdown,
		"report.json": rep.JSON,
		"report.txt":  func(w io.Writer) error { return rep.Text(w, report.TextOptions{}) },
	} {
		var got bytes.Buffer
		if err := render(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join("testdata", name+".golden")
		if *update {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs from %s (run with -update if intended):\n%s", name, path, firstDiff(string(want), got.String()))
		}
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\nwant: %s\ngot:  %s", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

// Every row verdict is derived from the cells; these are the statements
// the fixture must produce, one per kind of split.
func TestReportRows(t *testing.T) {
	want := map[string]string{
		"integrity":              "holds on every transport tested",
		"backpressure":           "holds on every transport tested",
		"capacity":               "differs: tcp4 vs Unix sockets (unix, unix-socketpair) vs os-pipe vs net-pipe vs tls vs my-mux",
		"half-close":             "holds on every transport tested",
		"close-unblocks":         "fails on my-mux",
		"close-with-unread-data": "differs: tcp4, unix, unix-socketpair, tls vs os-pipe vs net-pipe",
		"close-read":             "differs: tcp4 vs unix, unix-socketpair, os-pipe",
		"write-deadline":         "holds on kernel sockets only",
		"nagle-delayed-ack":      "TCP only",
		"user-extra":             "holds on my-mux, the only transport tested",
	}
	rep := fixture()
	if len(rep.Rows) != len(want) {
		t.Errorf("%d rows, want %d: %+v", len(rep.Rows), len(want), rep.Rows)
	}
	for _, row := range rep.Rows {
		if row.Verdict != want[row.Behaviour] {
			t.Errorf("%s: verdict %q, want %q", row.Behaviour, row.Verdict, want[row.Behaviour])
		}
	}
	if got := rep.Row("close-read").Unexpected; got != "differs from the inferred expectation on tcp4" {
		t.Errorf("close-read unexpected = %q", got)
	}
	if got := rep.Row("half-close").Untested; got != "unsupported on net-pipe" {
		t.Errorf("half-close untested = %q", got)
	}
	if tcp6 := rep.Transports[1]; tcp6.Unavailable == "" {
		t.Errorf("tcp6 not marked unavailable: %+v", tcp6)
	}
	if n := len(rep.Transports); n != 8 || rep.Transports[7].Name != "my-mux" {
		t.Errorf("columns %+v: want the declared seven, then my-mux", rep.Transports)
	}
	if tot := rep.Totals; tot.Fail != 5 || tot.Unavailable != 9 || tot.Pass+tot.Fail+tot.Unsupported+tot.Unavailable != tot.Results {
		t.Errorf("totals %+v", tot)
	}
	if len(rep.Capacities) != 4 || len(rep.Sweeps) != 4 {
		t.Errorf("%d capacities and %d sweeps, want 4 and 4 (from raw and JSON entries)", len(rep.Capacities), len(rep.Sweeps))
	}
}

// The terminal matrix stays within 100 columns, also with many
// transports (a self-test zoo) and long names.
func TestReportTextWidth(t *testing.T) {
	r := fixtureReport()
	for i := range 30 {
		name := fmt.Sprintf("zoo-transport-with-a-long-name-%02d", i)
		r.SpecReports = append(r.SpecReports, fixtureSpec(name, "integrity", types.SpecStateFailed, strings.Repeat("very long reason ", 20)),
			fixtureSpec(name, "a-behaviour-id-that-is-much-longer-than-the-name-column", types.SpecStatePassed, ""))
	}
	rep := report.FromGinkgo(r, fixtureCatalogue, fixtureOrder, fixtureEnv)
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := rep.Text(&b, report.TextOptions{Color: color}); err != nil {
			t.Fatal(err)
		}
		if !color && strings.Contains(b.String(), "\x1b") {
			t.Error("colour codes without colour")
		}
		for i, l := range strings.Split(b.String(), "\n") {
			if n := utf8.RuneCountInString(stripANSI(l)); n > 100 {
				t.Errorf("colour %v, line %d is %d columns: %q", color, i+1, n, l)
			}
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
