package gallery_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamspec/streamspec/gallery"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/suites"
)

// longRunEnv marks a child process of TestGallery that runs one proxy's
// lifetimes with gallery.LongHorizon.
const longRunEnv = "STREAMSPEC_GALLERY_LONG"

// TestGallery runs the whole catalogue against every gallery entry, as a
// user runs it against one transport (a proxy variant: its Specs), and, at the same time, each proxy marked Long's
// lifetimes with gallery.LongHorizon in a child process of its own, all
// at once: the horizon is paid once. Real libraries fail specs, so it
// fails by design: make gallery (scripts/gallery.sh) runs it and judges
// the run against findings.go instead.
func TestGallery(t *testing.T) {
	if os.Getenv("STREAMSPEC_GALLERY") == "" {
		t.Skip("make gallery runs the gallery (STREAMSPEC_GALLERY=1)")
	}
	if os.Getenv(longRunEnv) == "" {
		wait := startLongRuns(t)
		defer wait()
		restrictVariants(t)
	}
	suites.Run(t, gallery.Transports()...)
}

// restrictVariants has Ginkgo skip every spec a proxy variant does not
// run (Proxy.Specs).
func restrictVariants(t *testing.T) {
	if skip := variantSkip(gallery.Entries()); skip != "" {
		if err := flag.Set("ginkgo.skip", skip); err != nil {
			t.Fatal(err)
		}
	}
}

// variantSkip is the pattern of the specs entries do not run, as Ginkgo
// matches it: against "<suite> <entry> <spec>". "" if they run them all.
func variantSkip(entries []gallery.Entry) string {
	var skip []string
	for _, e := range entries {
		var not []string
		for _, b := range catalogue.All() {
			if !e.Runs(b) {
				not = append(not, regexp.QuoteMeta(b.ID))
			}
		}
		if len(not) > 0 {
			skip = append(skip, regexp.QuoteMeta(e.Name)+" (?:"+strings.Join(not, "|")+")")
		}
	}
	if len(skip) == 0 {
		return ""
	}
	return " (?:" + strings.Join(skip, "|") + ")$"
}

// The variants' skip pattern skips exactly what each entry does not run.
func TestVariantSkip(t *testing.T) {
	re := regexp.MustCompile(variantSkip(gallery.Entries()))
	for _, e := range gallery.Entries() {
		for _, b := range catalogue.All() {
			if text := "streamspec " + e.Name + " " + b.ID; re.MatchString(text) == e.Runs(b) {
				t.Errorf("%q: skipped %v, but the entry runs it: %v", text, re.MatchString(text), e.Runs(b))
			}
		}
	}
}

// startLongRuns starts, for every proxy marked Long, this test again in a
// child process that runs its lifetimes spec with gallery.LongHorizon,
// writing its report to out/long/<name>/ and its output beside it, and
// returns a function that waits for them all.
func startLongRuns(t *testing.T) (wait func()) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, e := range gallery.Entries() {
		if e.Proxy == nil || !e.Proxy.Long {
			continue
		}
		dir, err := filepath.Abs(filepath.Join("out", "long", e.Name))
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), gallery.LongHorizon+2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, exe, "-test.run=^TestGallery$", "-test.count=1", "-ginkgo.no-color",
				"-ginkgo.label-filter=transport:"+e.Name, "-ginkgo.focus= lifetimes$", "-streamspec.horizon="+gallery.LongHorizon.String(),
				"-streamspec.report-dir="+dir)
			cmd.Env = append(os.Environ(), longRunEnv+"=1")
			cmd.WaitDelay = 5 * time.Second
			out, _ := cmd.CombinedOutput() // the report says how it went
			_ = os.WriteFile(filepath.Join(dir, "run.log"), out, 0o644)
		})
	}
	return wg.Wait
}

// TestImplementations runs the whole catalogue on the TCP implementations
// of docs/tcp-implementations.md (gallery.ImplementationTransports), side
// by side; make gallery runs it after TestGallery and cmd/gallery-doc
// checks it against gallery.ImplRows.
func TestImplementations(t *testing.T) {
	if os.Getenv("STREAMSPEC_GALLERY") == "" {
		t.Skip("make gallery runs the implementations view (STREAMSPEC_GALLERY=1)")
	}
	suites.Run(t, gallery.ImplementationTransports()...)
}
