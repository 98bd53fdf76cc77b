package gallery_test

import (
	"os"
	"testing"

	"github.com/streamspec/streamspec/gallery"
	"github.com/streamspec/streamspec/suites"
)

// TestGallery runs the whole catalogue against every gallery entry, as a
// user runs it against one transport. Real libraries fail specs, so it
// fails by design: make gallery (scripts/gallery.sh) runs it and judges the
// run against findings.go instead.
func TestGallery(t *testing.T) {
	if os.Getenv("STREAMSPEC_GALLERY") == "" {
		t.Skip("make gallery runs the gallery (STREAMSPEC_GALLERY=1)")
	}
	suites.Run(t, gallery.Transports()...)
}
