package leaks

import (
	"io"
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// The runtime's splice pipes are never reported: io.Copy between two TCP
// connections makes one (internal/poll splice_linux.go) and keeps it in a
// pool after the copy, as a relay written in Go does between specs.
func TestSplicePipesAreTheRuntimes(t *testing.T) {
	before := TakeResources()
	relayed := relay(t, 1<<20)
	if relayed != 1<<20 {
		t.Fatalf("relayed %d bytes", relayed)
	}
	after := TakeResources()
	splice := 0
	for _, d := range after.Descriptors() {
		if d.Owner == OwnerSplicePipes {
			splice++
		}
	}
	if splice < 2 {
		t.Fatalf("no splice pipe found after io.Copy between TCP connections: %v", after.Descriptors())
	}
	if leaked := after.LeakedSince(before); len(leaked) != 0 {
		t.Errorf("the runtime's splice pipes were reported: %q", leaked)
	}
}

// What the code under test leaves is reported, whatever it is: pipes made
// with os.Pipe, even sized like a splice pipe (the poller watches them),
// raw pipes, and the anonymous inodes the runtime also uses (epoll,
// eventfd), which are never taken for the runtime's own.
func TestLeakedDescriptorsAreReported(t *testing.T) {
	before := TakeResources()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	rc, err := r.SyscallConn() // not r.Fd, which would make it blocking
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { _, serr = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, spliceBufferSize) }); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	var raw [2]int
	if err := unix.Pipe2(raw[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(raw[0])
	defer unix.Close(raw[1])
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ep)
	ev, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ev)
	news := TakeResources().NewSince(before)
	if len(news) != 6 {
		t.Errorf("want 6 new descriptors (2 os.Pipe ends, 2 raw pipe ends, epoll, eventfd), got %v", news)
	}
	wantKinds(t, news, "pipe", "anon")
}

// relay copies n bytes from one TCP connection to another with io.Copy,
// through splice(2).
func relay(t *testing.T, n int64) int64 {
	t.Helper()
	pair := func() (net.Conn, net.Conn) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		return c, s
	}
	in1, in2 := pair()
	out1, out2 := pair()
	defer func() {
		for _, c := range []net.Conn{in1, in2, out1, out2} {
			c.Close()
		}
	}()
	go func() {
		_, _ = io.Copy(in1, io.LimitReader(zeros{}, n))
		in1.Close()
	}()
	done := make(chan int64, 1)
	go func() { m, _ := io.Copy(out1, in2); out1.Close(); done <- m }()
	got, _ := io.Copy(io.Discard, out2)
	<-done
	return got
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
