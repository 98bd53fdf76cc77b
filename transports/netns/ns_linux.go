package netns

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// newNS creates a network namespace that has no name: the returned file and
// the sockets made in it are its only references, so the kernel removes it,
// with its links and qdiscs, when the last of them closes, even when the
// process is killed. Nothing appears in `ip netns list`.
func newNS() (*os.File, error) {
	var ns *os.File
	err := onThread(func() error { return os.NewSyscallError("unshare", unix.Unshare(unix.CLONE_NEWNET)) },
		func() (err error) {
			ns, err = os.Open("/proc/thread-self/ns/net")
			return err
		})
	return ns, err
}

// inNS runs f on an OS thread that has joined the namespace ns. Sockets f
// creates belong to ns for life; processes it starts inherit ns.
func inNS(ns *os.File, f func() error) error {
	return onThread(func() error { return os.NewSyscallError("setns", unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET)) }, f)
}

// onThread runs enter, then f, on a goroutine locked to its OS thread, and
// returns the thread to its original network namespace. If it cannot, the
// thread stays locked, so the runtime ends it with the goroutine rather
// than run other goroutines in the wrong namespace. The descriptor of the
// original namespace is closed before onThread returns.
func onThread(enter, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		if err := enter(); err != nil {
			home.Close()
			runtime.UnlockOSThread() // a failed unshare or setns leaves the thread where it was
			errc <- err
			return
		}
		ferr := f()
		err = unix.Setns(int(home.Fd()), unix.CLONE_NEWNET)
		home.Close()
		if err != nil {
			errc <- errors.Join(ferr, fmt.Errorf("returning the thread to its namespace: %w", err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}
