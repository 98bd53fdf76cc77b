package harness_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// recordOnly lists the Linux combinations that have no expectation on
// purpose; every other observed behaviour on every built-in needs one.
var recordOnly = map[string][]string{
	"pipe-buf-atomicity": {"tcp4", "tcp6", "netns"},
}

func TestExpectationTable(t *testing.T) {
	var builtins []string
	kinds := map[string]harness.Kind{}
	for _, tr := range transports.Builtin() {
		builtins = append(builtins, tr.Name())
		kinds[tr.Name()] = tr.Traits().Kind
	}
	seen := map[string]bool{}
	tabled := map[string]bool{} // behaviours checked through this table (capacity has its own rules)
	for _, e := range harness.Expectations() {
		tabled[e.Behaviour] = true
		b, ok := harness.Lookup(e.Behaviour)
		if !ok || b.Class != harness.Observed {
			t.Errorf("expectation for %q: no observed behaviour of that ID", e.Behaviour)
		}
		if e.OS != "linux" && e.OS != "darwin" {
			t.Errorf("%s: OS %q", e.Behaviour, e.OS)
		}
		if e.Outcome == "" || e.Source == "" {
			t.Errorf("%s on %s %v: empty outcome or source", e.Behaviour, e.OS, e.Transports)
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
	for _, b := range harness.Catalogue() {
		if b.Class != harness.Observed || !tabled[b.ID] {
			continue
		}
		for _, tr := range builtins {
			if kinds[tr] == harness.KindRelay {
				continue // relays are never checked against the table
			}
			if _, ok := harness.Expected(b.ID, tr, kinds[tr], "linux"); !ok && !slices.Contains(recordOnly[b.ID], tr) && !lacks(b, tr) {
				t.Errorf("no Linux expectation for %s on %s", b.ID, tr)
			}
		}
	}
}

// lacks reports the built-ins a behaviour is unsupported on.
func lacks(b harness.Behaviour, tr string) bool {
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
	if _, ok := harness.Expected("close-read", "tcp4", harness.KindTCP, "linux"); !ok {
		t.Fatal("tcp4 has no close-read expectation on linux")
	}
	for _, k := range []harness.Kind{harness.KindCustom, harness.KindRelay} {
		if e, ok := harness.Expected("close-read", "tcp4", k, "linux"); ok {
			t.Errorf("a %s transport named tcp4 got expectation %v", k, e)
		}
	}
}
