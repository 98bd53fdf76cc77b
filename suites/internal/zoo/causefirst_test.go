package zoo_test

import (
	"errors"
	"testing"
	"time"

	"github.com/onsi/gomega"
)

// TestNotCauseFirst proves the zoo's cause-first check can fail: Gomega's
// own messages, which specs no longer fail with, start with its framing.
func TestNotCauseFirst(t *testing.T) {
	var msg string
	g := gomega.NewGomega(func(m string, _ ...int) { msg = m })
	never := make(chan error)
	g.Eventually(never).WithTimeout(10*time.Millisecond).Should(gomega.Receive(), "A's pending Read hung")
	if notCauseFirst(msg) == "" {
		t.Errorf("Eventually's timeout message taken for a diagnosis: %q", msg)
	}
	g.Expect(errors.New("EOF")).NotTo(gomega.HaveOccurred())
	if notCauseFirst(msg) == "" {
		t.Errorf("an unexpected-error dump taken for a diagnosis: %q", msg)
	}
	if why := notCauseFirst("A's pending Read hung: A.Close did not unblock it: no return within 2s"); why != "" {
		t.Errorf("a diagnosis rejected: %s", why)
	}
}
