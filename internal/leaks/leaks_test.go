package leaks

import (
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/tempdir"
)

// TestLeakedSince proves the leak check sees descriptors and probed
// resources that a spec leaves behind, and nothing once they are released.
func TestLeakedSince(t *testing.T) {
	before := TakeResources()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := tempdir.New()
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

// A transport's leaked socket and file are reported by number and
// object, and nothing once closed.
func TestLeakedSocketAndFileAreReported(t *testing.T) {
	if listDescriptors() == nil {
		t.Skip("no descriptor listing on this OS")
	}
	before := TakeResources()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "leak")
	if err != nil {
		t.Fatal(err)
	}
	news := TakeResources().NewSince(before)
	wantKinds(t, news, "socket", "file")
	ln.Close()
	f.Close()
	if leaked := TakeResources().LeakedSince(before); len(leaked) != 0 {
		t.Errorf("after release: %q", leaked)
	}
}

// What stdout points to is the test runner's: Ginkgo under -p points
// os.Stdout (and descriptors 1 and 2) at a capture pipe of its own and
// swaps it between specs. A descriptor of the object behind os.Stdout is
// never reported; the same pipe is once stdout points elsewhere.
func TestStdoutsObjectIsNotALeak(t *testing.T) {
	if listDescriptors() == nil {
		t.Skip("no descriptor listing on this OS")
	}
	before := TakeResources()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	saved := os.Stdout
	os.Stdout = w
	leaked := TakeResources().LeakedSince(before)
	os.Stdout = saved
	wfd, _ := fileDescriptor(w)
	for _, l := range leaked {
		if strings.HasPrefix(l, "fd "+strconv.Itoa(wfd)+" ") {
			t.Errorf("the descriptor behind os.Stdout was reported: %q", leaked)
		}
	}
	if leaked := TakeResources().LeakedSince(before); len(leaked) != 2 {
		t.Errorf("once os.Stdout is restored both ends are the code's: want 2 leaked, got %q", leaked)
	}
}

func wantKinds(t *testing.T, ds []OpenFD, kinds ...string) {
	t.Helper()
	var got []string
	for _, d := range ds {
		got = append(got, d.Kind)
	}
	for _, k := range kinds {
		if !slices.Contains(got, k) {
			t.Errorf("no new %s among %v", k, ds)
		}
	}
}
