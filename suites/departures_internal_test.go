package suites

import (
	"fmt"
	"testing"
)

type fakeT struct{ failed bool }

func (f *fakeT) Fail()               { f.failed = true }
func (f *fakeT) Helper()             {}
func (f *fakeT) Logf(string, ...any) {}

// A run passes on departures alone, and fails once anything else failed.
func TestDeparturesT(t *testing.T) {
	defer func(d, o int64, s bool) { departed.Store(d); otherFailures.Store(o); suiteFailed.Store(s) }(departed.Load(), otherFailures.Load(), suiteFailed.Load())
	for _, c := range []struct {
		departed, other int64
		suite, fails    bool
	}{
		{1, 0, false, false},
		{1, 1, false, true},
		{0, 1, false, true},
		{1, 0, true, true},
		{0, 0, false, true}, // RunSpecs failed for a reason nothing counted
	} {
		departed.Store(c.departed)
		otherFailures.Store(c.other)
		suiteFailed.Store(c.suite)
		f := &fakeT{}
		departuresT{f}.Fail()
		if f.failed != c.fails {
			t.Errorf("%s: the test failed: %v, want %v", fmt.Sprintf("%+v", c), f.failed, c.fails)
		}
	}
}
