package leaks

import (
	"fmt"
	"os"
	"slices"
	"sync"

	"github.com/streamspec/streamspec/internal/tempdir"
)

// Resources is what the process holds that a spec could leak: open file
// descriptors and whatever the registered resource probes list (temporary
// socket directories, network namespaces).
type Resources struct {
	fds    map[int]OpenFD
	probes map[string][]string
}

// OpenFD is an open file descriptor as the leak check sees it.
type OpenFD struct {
	FD int
	// Kind is what fstat says: pipe, socket, file, directory, device,
	// anon (a Linux anonymous inode: epoll, eventfd, pidfd) or other.
	Kind string
	// ID names the object: the same for every descriptor of one object
	// (Linux: the /proc/self/fd link, "pipe:[4711]", "socket:[4712]",
	// "/tmp/x"; macOS, which has no links: "pipe 0x5d1e2f", "socket tcp
	// 127.0.0.1:5000->127.0.0.1:5001", the path from F_GETPATH).
	ID string
	// Owner says who holds the descriptor when it is not the code under
	// test: the test runner's standard streams, the Go runtime, or an
	// owner registered with RegisterDescriptorOwner. The leak check never
	// reports owned descriptors.
	Owner string
	// Peer is a connected socket's peer address, "" otherwise.
	Peer string
}

func (d OpenFD) String() string { return fmt.Sprintf("fd %d (%s)", d.FD, d.ID) }

var (
	probesMu sync.Mutex
	probes   = map[string]func() []string{}
	owners   []descriptorOwner
)

type descriptorOwner struct {
	name string
	owns func(OpenFD) bool
}

// RegisterResourceProbe adds a lister of resources that must not outlive a
// pair, such as a transport's namespaces or files. It lists only what this
// process made.
func RegisterResourceProbe(kind string, list func() []string) {
	probesMu.Lock()
	defer probesMu.Unlock()
	probes[kind] = list
}

// RegisterDescriptorOwner names descriptors that something other than the
// code under test holds, such as a test runner's connection to its
// parallel server; owns identifies them. The leak check never reports them.
func RegisterDescriptorOwner(name string, owns func(OpenFD) bool) {
	probesMu.Lock()
	defer probesMu.Unlock()
	owners = append(owners, descriptorOwner{name, owns})
}

// TakeResources snapshots the process's descriptors, each identified, and
// the probed resources.
func TakeResources() Resources {
	r := Resources{fds: map[int]OpenFD{}, probes: map[string][]string{}}
	ds := listDescriptors()
	markStandardStreams(ds)
	probesMu.Lock()
	defer probesMu.Unlock()
	for _, d := range ds {
		for _, o := range owners {
			if d.Owner == "" && o.owns(d) {
				d.Owner = o.name
			}
		}
		r.fds[d.FD] = d
	}
	for kind, list := range probes {
		r.probes[kind] = list()
	}
	return r
}

// Descriptors lists the snapshot's descriptors in order, owned ones too.
func (r Resources) Descriptors() []OpenFD {
	out := make([]OpenFD, 0, len(r.fds))
	for _, d := range r.fds {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b OpenFD) int { return a.FD - b.FD })
	return out
}

// NewSince lists the descriptors r holds that before did not (a new
// number, or a number that now names another object), owned ones left
// out.
func (r Resources) NewSince(before Resources) []OpenFD {
	var out []OpenFD
	for _, d := range r.Descriptors() {
		if prev, ok := before.fds[d.FD]; d.Owner == "" && (!ok || prev.ID != d.ID) {
			out = append(out, d)
		}
	}
	return out
}

// LeakedSince lists what r holds that before did not: "fd 12 (socket:[4711])",
// "namespace streamspec-123-a".
func (r Resources) LeakedSince(before Resources) []string {
	var out []string
	for _, d := range r.NewSince(before) {
		out = append(out, d.String())
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

func init() { RegisterResourceProbe("temp dir", tempdir.Made) }

// Owners of the descriptors the leak check identifies by itself.
const (
	OwnerStdio       = "standard stream"              // fds 0-2, os.Stdout, os.Stderr and whatever shares their object
	OwnerSplicePipes = "Go runtime: splice pipe pool" // internal/poll splice_linux.go
)

// The runtime's network poller (epoll or kqueue, and its wake-up eventfd)
// is made on first use; made here, it is in every baseline and never
// looks like a spec's leak, whatever the first spec to touch the network.
func init() {
	if r, w, err := os.Pipe(); err == nil { // registering a pipe starts the poller
		r.Close()
		w.Close()
	}
}

// markStandardStreams marks descriptors that refer to the object behind
// stdin, stdout or stderr, by descriptor number and through the os
// package's variables: a test runner (Ginkgo under -p) points them at its
// capture pipe and swaps that pipe between specs at will.
func markStandardStreams(ds []OpenFD) {
	std := map[string]bool{}
	for _, d := range ds {
		if d.FD <= 2 && d.ID != "" {
			std[d.ID] = true
		}
	}
	for _, f := range []*os.File{os.Stdin, os.Stdout, os.Stderr} {
		if fd, ok := fileDescriptor(f); ok {
			if i := slices.IndexFunc(ds, func(d OpenFD) bool { return d.FD == fd }); i >= 0 && ds[i].ID != "" {
				std[ds[i].ID] = true
			}
		}
	}
	for i := range ds {
		if ds[i].Owner == "" && (ds[i].FD <= 2 || std[ds[i].ID]) {
			ds[i].Owner = OwnerStdio
		}
	}
}

// fileDescriptor returns f's descriptor without f.Fd, which would switch
// it to blocking mode.
func fileDescriptor(f *os.File) (int, bool) {
	if f == nil {
		return 0, false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	fd := -1
	if rc.Control(func(u uintptr) { fd = int(u) }) != nil {
		return 0, false
	}
	return fd, fd >= 0
}
