package harness

import (
	"strings"

	"golang.org/x/sys/unix"
)

// spliceBufferSize is the pipe size Go's runtime gives the pipes it caches
// for splice(2) when io.Copy joins two sockets (maxSpliceSize in
// src/internal/poll/splice_linux.go). Those pipes live in a sync.Pool until
// a GC, so a relay written with io.Copy would look like a leak.
const spliceBufferSize = 1 << 20

// runtimeOwned reports descriptors the Go runtime keeps for itself.
func runtimeOwned(fd int, what string) bool {
	if !strings.HasPrefix(what, "pipe:") {
		return false
	}
	size, err := unix.FcntlInt(uintptr(fd), unix.F_GETPIPE_SZ, 0)
	return err == nil && size == spliceBufferSize
}
