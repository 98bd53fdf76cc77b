package harness

import (
	"os"
	"testing"
)

// TestLeakedSince proves the leak check sees descriptors and probed
// resources that a spec leaves behind, and nothing once they are released.
func TestLeakedSince(t *testing.T) {
	before := TakeResources()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := TempDir()
	if err != nil {
		t.Fatal(err)
	}
	leaked := TakeResources().LeakedSince(before)
	if len(leaked) != 3 {
		t.Errorf("want 2 pipe fds and 1 temp dir leaked, got %q", leaked)
	}
	r.Close()
	w.Close()
	os.Remove(dir)
	if leaked := TakeResources().LeakedSince(before); len(leaked) != 0 {
		t.Errorf("after release: %q", leaked)
	}
}
