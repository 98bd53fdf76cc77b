package netns

import (
	"context"
	"os"
	"strconv"
	"sync"

	"github.com/streamspec/streamspec/internal/leaks"
)

// Paths whose pairs have closed are kept, by Path, for the next pair.
// Making a path takes the kernel's rtnl_lock for every veth, address and
// qdisc, and tearing one down holds it while the namespaces go
// (net/core/net_namespace.c cleanup_net): on a machine that churns
// namespaces, as a parallel run does, a fresh path can take seconds. A
// kept path is idle: its pair's sockets are closed, its bottleneck is
// not held (a held path is torn down), and its ends do not save TCP
// metrics (net.ipv4.tcp_no_metrics_save 1), so the next pair starts from
// the same state as on a fresh one.
var (
	spareMu sync.Mutex
	spare   = map[Path][]*link{}
)

// maxSpare bounds the idle paths kept for one Path: as many as a spec
// uses at once.
const maxSpare = 8

// takeLink returns an idle path for p, or makes one.
func takeLink(ctx context.Context, p Path) (*link, error) {
	spareMu.Lock()
	if ls := spare[p]; len(ls) > 0 {
		l := ls[len(ls)-1]
		spare[p] = ls[:len(ls)-1]
		spareMu.Unlock()
		l.setLive(true)
		return l, nil
	}
	spareMu.Unlock()
	return newLink(ctx, p)
}

// release keeps l for the next pair over its path, or tears it down if
// its bottleneck is still held or enough are kept.
func (l *link) release() {
	spareMu.Lock()
	if !l.held.Load() && len(spare[l.path]) < maxSpare {
		l.fds = idFDs(l.a, l.r, l.b)
		spare[l.path] = append(spare[l.path], l)
		spareMu.Unlock()
		l.setLive(false)
		return
	}
	spareMu.Unlock()
	l.close()
}

// The descriptors of kept paths are the transport's, not a spec's leak.
func init() {
	leaks.RegisterDescriptorOwner("netns transport: an idle path kept for the next pair", func(d leaks.OpenFD) bool {
		spareMu.Lock()
		defer spareMu.Unlock()
		for _, ls := range spare {
			for _, l := range ls {
				if id, ok := l.fds[d.FD]; ok && id == d.ID {
					return true
				}
			}
		}
		return false
	})
}

// idFDs maps the files' descriptors to what they refer to
// (/proc/self/fd links, "net:[4026532871]").
func idFDs(files ...*os.File) map[int]string {
	m := map[int]string{}
	for _, f := range files {
		rc, err := f.SyscallConn()
		if err != nil {
			continue
		}
		_ = rc.Control(func(fd uintptr) {
			if id, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fd))); err == nil {
				m[int(fd)] = id
			}
		})
	}
	return m
}
