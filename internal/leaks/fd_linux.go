package leaks

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// listDescriptors reads /proc/self/fd: each link names the object, the
// same for every descriptor of it ("pipe:[4711]" for both ends of a pipe,
// "socket:[4712]", "anon_inode:[eventpoll]", a path). The listing's own
// descriptor is closed by the time its link is read and is left out.
func listDescriptors() []OpenFD {
	ds := eachFD("/proc/self/fd", func(fd int) (OpenFD, bool) {
		link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if err != nil {
			return OpenFD{}, false
		}
		d := OpenFD{FD: fd, ID: link, Kind: linkKind(fd, link)}
		if d.Kind == "socket" {
			d.Peer = peerName(fd)
		}
		return d, true
	})
	markSplicePipes(ds)
	return ds
}

func linkKind(fd int, link string) string {
	switch {
	case strings.HasPrefix(link, "pipe:["):
		return "pipe"
	case strings.HasPrefix(link, "socket:["):
		return "socket"
	case strings.HasPrefix(link, "anon_inode:"):
		return "anon"
	}
	return statKind(fd)
}

// spliceBufferSize is the size Go's runtime asks for the pipes it keeps
// for splice(2) when io.Copy joins two sockets (maxSpliceSize in
// src/internal/poll/splice_linux.go). They live in a sync.Pool until a GC
// runs their cleanup, so a relay written with io.Copy would look like a
// leak.
const spliceBufferSize = 1 << 20

// markSplicePipes marks the runtime's splice pipes. Go makes them in
// internal/poll splice_linux.go newPipe with pipe2(O_CLOEXEC|O_NONBLOCK)
// and F_SETPIPE_SZ 1 MiB, and never gives them to the poller, while every
// pipe made through package os (os.Pipe, os.NewFile on a non-blocking
// descriptor) is registered with it. So a pipe is the runtime's when this
// process holds both of its ends, both non-blocking and close-on-exec, no
// epoll instance of the process watches it, and its size is 1 MiB (or
// this process cannot have 1 MiB pipes, when newPipe's F_SETPIPE_SZ fails
// and the pipe keeps the default size).
func markSplicePipes(ds []OpenFD) {
	watched := epollWatched(ds)
	ends := map[string][]int{}
	for i, d := range ds {
		if d.Kind == "pipe" && d.Owner == "" {
			ends[d.ID] = append(ends[d.ID], i)
		}
	}
	for id, idx := range ends {
		if len(idx) != 2 || watched[strings.TrimSuffix(strings.TrimPrefix(id, "pipe:["), "]")] {
			continue
		}
		var modes int
		ok := true
		for _, i := range idx {
			fl, err := openFlags(ds[i].FD)
			ok = ok && err == nil && fl&unix.O_NONBLOCK != 0 && fl&unix.O_CLOEXEC != 0
			modes |= 1 << (fl & unix.O_ACCMODE)
		}
		if !ok || modes != 1<<unix.O_RDONLY|1<<unix.O_WRONLY {
			continue
		}
		size, err := unix.FcntlInt(uintptr(ds[idx[0]].FD), unix.F_GETPIPE_SZ, 0)
		if err != nil || (size != spliceBufferSize && canSizeSplicePipes()) {
			continue
		}
		for _, i := range idx {
			ds[i].Owner = OwnerSplicePipes
		}
	}
}

// canSizeSplicePipes reports whether this process can set a pipe to
// spliceBufferSize, as the runtime tries for each splice pipe.
var canSizeSplicePipes = sync.OnceValue(func() bool {
	var p [2]int
	if unix.Pipe2(p[:], unix.O_CLOEXEC) != nil {
		return true
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	_, err := unix.FcntlInt(uintptr(p[0]), unix.F_SETPIPE_SZ, spliceBufferSize)
	return err == nil
})

// epollWatched returns the inode numbers (decimal, as in "pipe:[4711]")
// of the files any epoll instance of the process watches: fs/eventpoll.c
// ep_show_fdinfo prints a "tfd: ... ino:<hex>" line for each.
func epollWatched(ds []OpenFD) map[string]bool {
	watched := map[string]bool{}
	for _, d := range ds {
		if d.ID != "anon_inode:[eventpoll]" {
			continue
		}
		info, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(d.FD))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(info))
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "tfd:") {
				continue
			}
			for _, f := range strings.Fields(line) {
				if hex, ok := strings.CutPrefix(f, "ino:"); ok {
					if n, err := strconv.ParseUint(hex, 16, 64); err == nil {
						watched[strconv.FormatUint(n, 10)] = true
					}
				}
			}
		}
	}
	return watched
}

// openFlags reads a descriptor's open flags from /proc/self/fdinfo
// ("flags:\t02004000", octal).
func openFlags(fd int) (int, error) {
	info, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(fd))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "flags:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 8, 64)
			return int(n), err
		}
	}
	return 0, os.ErrNotExist
}
