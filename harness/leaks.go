package harness

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Resources is what the process holds that a spec could leak: open file
// descriptors and whatever the registered resource probes list (temporary
// socket directories, network namespaces).
type Resources struct {
	fds    map[int]string
	probes map[string][]string
}

var (
	probesMu sync.Mutex
	probes   = map[string]func() []string{}
)

// RegisterResourceProbe adds a lister of resources that must not outlive a
// pair, such as a transport's namespaces or files. It lists only what this
// process made.
func RegisterResourceProbe(kind string, list func() []string) {
	probesMu.Lock()
	defer probesMu.Unlock()
	probes[kind] = list
}

// TakeResources snapshots the process's descriptors and probed resources.
func TakeResources() Resources {
	r := Resources{fds: openFDs(), probes: map[string][]string{}}
	probesMu.Lock()
	defer probesMu.Unlock()
	for kind, list := range probes {
		r.probes[kind] = list()
	}
	return r
}

// LeakedSince lists what r holds that before did not: "fd 12 (socket:[4711])",
// "namespace streamspec-123-a".
func (r Resources) LeakedSince(before Resources) []string {
	var out []string
	for fd, what := range r.fds {
		if prev, ok := before.fds[fd]; !ok || prev != what {
			out = append(out, fmt.Sprintf("fd %d (%s)", fd, what))
		}
	}
	for kind, items := range r.probes {
		for _, it := range items {
			if !slices.Contains(before.probes[kind], it) {
				out = append(out, kind+" "+it)
			}
		}
	}
	slices.Sort(out)
	return out
}

// openFDs maps each open descriptor to what it refers to where the OS says
// (Linux: /proc/self/fd links such as socket:[4711]; macOS has no links).
// Left out: the runtime's own poller and splice pipes, the listing's own
// descriptor, and stdin, stdout, stderr and whatever they point to (a test
// runner such as Ginkgo under -p swaps the pipe behind them at will).
func openFDs() map[int]string {
	dir := "/dev/fd"
	if runtime.GOOS == "linux" {
		dir = "/proc/self/fd"
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	fds := make(map[int]string, len(ents))
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		what, err := os.Readlink(dir + "/" + e.Name())
		if err != nil && runtime.GOOS == "linux" {
			continue // the listing's own descriptor, closed by now
		}
		if strings.HasPrefix(what, "anon_inode:") || runtimeOwned(fd, what) {
			continue
		}
		fds[fd] = what
	}
	for fd := range 3 {
		if what, ok := fds[fd]; ok {
			delete(fds, fd)
			for other, w := range fds {
				if what != "" && w == what {
					delete(fds, other)
				}
			}
		}
	}
	return fds
}
