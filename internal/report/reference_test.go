package report

import (
	"strings"
	"testing"
)

// A run of one custom transport is shown beside the reference columns,
// and each row says which of them it behaves like, and the shipped Linux
// reference has its three columns with their provenance; macOS has none
// and says so.
func TestReference(t *testing.T) {
	ref := cells("linux", "observed", kinds, map[string]string{"tcp4": "ECONNRESET", "unix": "EOF", "os-pipe": "EOF"})
	r := cells("linux", "observed", kinds, map[string]string{"my-mux": "ECONNRESET"})
	if !r.NeedsReference() || ref.NeedsReference() {
		t.Fatalf("needs a reference: custom run %v, built-in run %v", r.NeedsReference(), ref.NeedsReference())
	}
	r.Reference = referenceFrom(ref)
	r.Derive()
	if got := r.Rows[0]; got.Like != "like TCP, not a Unix socket and a pipe" || got.Verdict != "seen on my-mux" {
		t.Errorf("row %+v", got)
	}
	if n := len(r.Shown()); n != 4 {
		t.Errorf("%d columns shown, want my-mux and three reference columns", n)
	}
	r = cells("linux", "observed", kinds, map[string]string{"my-mux": "RST"})
	r.Reference = referenceFrom(ref)
	r.Derive()
	if got := r.Rows[0].Like; got != "like none of TCP, a Unix socket and a pipe" {
		t.Errorf("like %q", got)
	}

	linux := ReferenceFor("linux")
	if len(linux.Transports) != 3 || linux.Environment == nil || !strings.Contains(linux.Provenance(), "kernel ") {
		t.Errorf("the Linux reference: %d columns, provenance %q", len(linux.Transports), linux.Provenance())
	}
	for _, res := range linux.Results {
		if res.Env != ReferenceEnv {
			t.Fatalf("a reference result in env %q", res.Env)
		}
	}
	if darwin := ReferenceFor("darwin"); len(darwin.Transports) != 0 || !strings.Contains(darwin.Note, "no measured reference for darwin") {
		t.Errorf("darwin: %+v", darwin)
	}
}
