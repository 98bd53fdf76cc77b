package expect_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/transports"
)

func TestExpectationTable(t *testing.T) {
	var builtins []string
	kinds := map[string]harness.Kind{}
	for _, tr := range transports.Builtin() {
		builtins = append(builtins, tr.Name())
		kinds[tr.Name()] = tr.Traits().Kind
	}
	seen := map[string]bool{}
	tabled := map[string]bool{} // behaviours checked through this table (capacity has its own rules)
	for _, e := range expect.Expectations() {
		tabled[e.Behaviour] = true
		b, ok := catalogue.Lookup(e.Behaviour)
		if !ok || b.Class != catalogue.Observed {
			t.Errorf("expectation for %q: no observed behaviour of that ID", e.Behaviour)
		}
		if e.OS != "linux" && e.OS != "darwin" {
			t.Errorf("%s: OS %q", e.Behaviour, e.OS)
		}
		if len(e.Outcomes) == 0 || slices.Contains(e.Outcomes, "") {
			t.Errorf("%s on %s %v: empty outcome", e.Behaviour, e.OS, e.Transports)
		}
		if err := provenanceOK(e.Provenance, e.OS); err != nil {
			t.Errorf("%s on %s %v: %v", e.Behaviour, e.OS, e.Transports, err)
		}
		for _, tr := range e.Transports {
			if !slices.Contains(builtins, tr) {
				t.Errorf("%s on %s: %q is not a built-in transport", e.Behaviour, e.OS, tr)
			}
			key := fmt.Sprint(e.Behaviour, tr, e.OS)
			if seen[key] {
				t.Errorf("%s on %s: %s listed twice", e.Behaviour, e.OS, tr)
			}
			seen[key] = true
		}
	}
	for _, b := range catalogue.All() {
		if b.Class != catalogue.Observed || !tabled[b.ID] {
			continue
		}
		for _, tr := range builtins {
			if kinds[tr] == harness.KindRelay {
				continue // relays are never checked against the table
			}
			if _, ok := expect.Expected(b.ID, tr, kinds[tr], "linux"); !ok && !expect.RecordOnly(b.ID, tr) && !lacks(b, tr) {
				t.Errorf("no Linux expectation for %s on %s", b.ID, tr)
			}
		}
	}
}

// provenanceOK checks a row's provenance: measured with the kernel, Go
// release and day it was seen; inferred with a source file and function.
// Nobody has run macOS yet, so every darwin row is inferred.
func provenanceOK(p expect.Provenance, goos string) error {
	switch p.Basis {
	case expect.Measured:
		if goos == "darwin" {
			return fmt.Errorf("a darwin row is measured (%s), but no macOS run has confirmed one", p)
		}
		if _, err := time.Parse(time.DateOnly, p.Date); err != nil || p.Kernel == "" || !strings.HasPrefix(p.Go, "go1.") {
			return fmt.Errorf("measured without kernel, Go release or date: %+v", p)
		}
	case expect.Inferred:
		if !regexp.MustCompile(`\w+/[\w/]+\.(c|h|go|cc)\b|Go src/|crypto/tls|RFC \d+`).MatchString(p.Source) {
			return fmt.Errorf("inferred without a source file: %q", p.Source)
		}
	default:
		return fmt.Errorf("provenance %q is neither measured nor inferred", p.Basis)
	}
	return nil
}

func TestKnobAndCapacityProvenance(t *testing.T) {
	for _, e := range expect.KnobExpectations {
		if err := provenanceOK(e.Provenance, e.GOOS); err != nil {
			t.Errorf("knob %s %s on %s: %v", e.Kind, e.Knob, e.GOOS, err)
		}
	}
	for _, r := range expect.CapacityRules {
		if err := provenanceOK(r.Provenance, r.GOOS); err != nil {
			t.Errorf("capacity rule %q on %s: %v", r.Rule, r.GOOS, err)
		}
	}
}

// A built-in that differs from a measured expectation fails its spec; one
// that differs from an inferred expectation is recorded as a mismatch
// with its source, and does not fail; a timing-dependent set accepts each
// of its outcomes.
func TestCheckOutcome(t *testing.T) {
	for _, c := range []struct {
		goos, transport, outcome string
		matches, fails           bool
	}{
		{"linux", "tcp4", "peer write: ok; read: data, EOF", true, false},
		{"linux", "tcp4", "peer write: ok; read: EOF", false, true},
		{"darwin", "tcp4", "peer write: ok; read: EOF", true, false},
		{"darwin", "tcp4", "peer write: ok, EPIPE; read: EOF", true, false},
		{"darwin", "tcp4", "peer write: ok; read: data, EOF", false, false},
	} {
		ch, ok := expect.CheckOutcome("close-read", c.transport, harness.KindTCP, c.goos, c.outcome)
		if !ok {
			t.Fatalf("no close-read expectation for %s on %s", c.transport, c.goos)
		}
		if ch.Matches != c.matches || ch.Fails() != c.fails || (ch.Err() != nil) != c.fails {
			t.Errorf("%s %q: matches %v fails %v, want %v %v (%s)", c.goos, c.outcome, ch.Matches, ch.Fails(), c.matches, c.fails, ch)
		}
		if c.fails && !strings.Contains(ch.Err().Error(), "measured on Linux") {
			t.Errorf("a failure does not say the expectation was measured: %v", ch.Err())
		}
		if !c.matches && !c.fails && !strings.Contains(ch.String(), "inferred from xnu bsd/") {
			t.Errorf("an inferred mismatch does not cite XNU: %s", ch)
		}
	}
}

// Every Linux row has a macOS counterpart, except for the Linux-only
// netns and mptcp transports: a macOS run checks what a Linux run checks.
func TestDarwinRowsMirrorLinux(t *testing.T) {
	for _, e := range expect.Expectations() {
		if e.OS != "linux" {
			continue
		}
		for _, tr := range e.Transports {
			if _, ok := expect.Expected(e.Behaviour, tr, harness.KindTCP, "darwin"); !ok && tr != "netns" && tr != "mptcp" {
				t.Errorf("%s on %s: a Linux row and no darwin row", e.Behaviour, tr)
			}
		}
	}
	for _, k := range expect.KnobExpectations {
		if _, ok := expect.ExpectedKnob("darwin", k.Kind, k.Knob); !ok && k.GOOS == "linux" && k.Knob != measure.KnobPipeSize {
			t.Errorf("knob %s %s: a Linux row and no darwin row", k.Kind, k.Knob)
		}
	}
}

// lacks reports the built-ins a behaviour is unsupported on.
func lacks(b catalogue.Behaviour, tr string) bool {
	unsupported := map[string][]string{
		"abortive-close":      {"os-pipe", "net-pipe"},
		"abortive-close-by-a": {"os-pipe", "net-pipe"},
		"lifetimes":           {"net-pipe"},
		"close-read":          {"net-pipe", "tls"},
		"pipe-buf-atomicity":  {"net-pipe", "tls"},
	}
	return slices.Contains(unsupported[b.ID], tr)
}

func TestExpectedIgnoresCustomAndRelayKinds(t *testing.T) {
	if _, ok := expect.Expected("close-read", "tcp4", harness.KindTCP, "linux"); !ok {
		t.Fatal("tcp4 has no close-read expectation on linux")
	}
	for _, k := range []harness.Kind{harness.KindCustom, harness.KindRelay} {
		if e, ok := expect.Expected("close-read", "tcp4", k, "linux"); ok {
			t.Errorf("a %s transport named tcp4 got expectation %v", k, e)
		}
	}
}
