package report

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/expect"
)

// A result that differs from an inferred expectation passed; every
// rendering says it differs from the inferred expectation and cites the
// source, and a merge keeps it. One that matches, or differs from a
// measured expectation (a failed spec), is not marked so.
func TestDiffersFromInferredInEveryRendering(t *testing.T) {
	const source = "xnu bsd/netinet/tcp_input.c tcp_input"
	r := cells("darwin", "observed", kinds, map[string]string{"tcp4": "peer write: ok; read: data, EOF", "unix": "peer write: ok; read: EOF"})
	tcp := &r.Results[0]
	tcp.AddCheck(expect.NewCheck("b", "tcp4", "darwin", "", "peer write: ok; read: data, EOF",
		[]string{"peer write: ok; read: EOF", "peer write: ok, EPIPE; read: EOF"}, expect.FromSource(source)))
	tcp.AddCheck(tcp.Checks[0]) // a repeated sample: recorded once
	r.Results[1].AddCheck(expect.NewCheck("b", "unix", "darwin", "", "peer write: ok; read: EOF", []string{"peer write: ok; read: EOF"}, expect.FromSource(source)))
	r.Derive()
	if len(tcp.Checks) != 1 || len(r.Results[1].Unexpected()) != 0 {
		t.Fatalf("checks: %+v; %+v", tcp.Checks, r.Results[1].Checks)
	}
	if got := r.Row("b"); got.Unexpected != DiffersFromInferred+" on tcp4" || got.Status != Differs {
		t.Errorf("row %+v", got)
	}
	for name, render := range map[string]func(io.Writer) error{
		"text":     func(w io.Writer) error { return r.Text(w, TextOptions{Width: 200}) },
		"markdown": r.Markdown, "json": r.JSON, "html": r.HTML,
	} {
		var b bytes.Buffer
		if err := render(&b); err != nil {
			t.Fatal(err)
		}
		out := strings.Join(strings.Fields(b.String()), " ")
		if name == "json" {
			for _, want := range []string{`"matches": false`, `"basis": "inferred"`, `"unexpected": "` + DiffersFromInferred + ` on tcp4"`, source} {
				if !strings.Contains(out, want) {
					t.Errorf("json lacks %s", want)
				}
			}
			continue
		}
		if !strings.Contains(out, DiffersFromInferred) || !strings.Contains(out, source) || strings.Contains(out, "unix: got") {
			t.Errorf("%s does not show the difference with its source:\n%s", name, b.String())
		}
	}
	merged, err := Merge(r)
	if err != nil || merged.Row("b").Unexpected == "" {
		t.Errorf("a merge lost the difference: %v %+v", err, merged.Rows)
	}
}
