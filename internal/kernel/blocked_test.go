package kernel_test

import (
	"context"
	"errors"
	"net"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/goroutine"
	"github.com/streamspec/streamspec/internal/kernel"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/pattern"
	"github.com/streamspec/streamspec/transports"
)

// TestWriterBlockedNeedsAFullKernelQueue proves the kernel evidence says
// "blocked" only when the queue is full: not while the writer is idle with
// room left (what a preempted writer looks like), and then yes once a Write
// has filled the queue and is parked, on each kernel transport.
func TestWriterBlockedNeedsAFullKernelQueue(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("poll(2) evidence is for Linux and macOS")
	}
	for _, tr := range []harness.Transport{transports.TCP4(), transports.Unix(), transports.Pipe()} {
		t.Run(tr.Name(), func(t *testing.T) {
			p, err := pair.Open(context.Background(), tr)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, err := p.A.Write(make([]byte, 1000)); err != nil { // some bytes queued, room left
				t.Fatal(err)
			}
			if blocked, err := kernel.WriterBlocked(p.A, p.B, 5*time.Millisecond); err != nil || blocked {
				t.Fatalf("with room left: blocked=%v, %v; want false", blocked, err)
			}
			var accepted atomic.Int64
			go func() { _ = pattern.SendPattern(p.A, 1, catalogue.BackpressureBound, &accepted) }()
			deadline := time.Now().Add(5 * time.Second)
			for {
				blocked, err := kernel.WriterBlocked(p.A, p.B, 5*time.Millisecond)
				if err != nil {
					t.Fatal(err)
				}
				if blocked {
					t.Logf("blocked after %d bytes", accepted.Load())
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("never blocked; %d bytes accepted", accepted.Load())
				}
			}
		})
	}
}

// TestWriterBlockedWithoutDescriptor: no descriptor, no kernel evidence.
func TestWriterBlockedWithoutDescriptor(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if _, err := kernel.WriterBlocked(a, b, time.Millisecond); !errors.Is(err, kernel.ErrNoDescriptor) {
		t.Fatalf("net.Pipe: %v, want ErrNoDescriptor", err)
	}
}

// TestParked tells a goroutine waiting on a channel from one that runs.
func TestParked(t *testing.T) {
	waitingID, runningID := make(chan uint64, 1), make(chan uint64, 1)
	stop := make(chan struct{})
	var spin atomic.Bool
	spin.Store(true)
	go func() { waitingID <- goroutine.ID(); <-stop }()
	go func() {
		runningID <- goroutine.ID()
		for spin.Load() {
		}
	}()
	waiting, running := <-waitingID, <-runningID
	defer close(stop)
	defer spin.Store(false)
	if waiting == 0 || running == 0 || waiting == running {
		t.Fatalf("goroutine IDs %d and %d", waiting, running)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !goroutine.Parked(waiting) {
		if time.Now().After(deadline) {
			t.Fatal("a goroutine receiving from a channel is never reported parked")
		}
		runtime.Gosched()
	}
	for range 20 {
		if goroutine.Parked(running) {
			t.Fatal("a spinning goroutine is reported parked")
		}
	}
	if goroutine.Parked(1 << 62) {
		t.Fatal("a goroutine that does not exist is reported parked")
	}
}
