package suites

import (
	"os"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/leaks"
)

// pipeFactory is Ginkgo's startPipeFactory (internal/output_interceptor.go)
// with a start signal: it makes each next pipe pair, then blocks in a
// select offering it. It says when it runs, as Ginkgo's has by the time
// a spec runs (the first Resume takes its first pipe).
func pipeFactory(running chan<- struct{}, start <-chan struct{}, pipes chan<- [2]*os.File, shutdown <-chan struct{}) {
	close(running)
	<-start
	for {
		r, w, _ := os.Pipe()
		select {
		case pipes <- [2]*os.File{r, w}:
		case <-shutdown:
			r.Close()
			w.Close()
			return
		}
	}
}

// A capture pipe made in the background after a spec began is
// identified by waiting for its factory to block: it is in the baseline
// and never reported, while taking the baseline without waiting would
// have reported it. The factory starts 50 ms late: the stimulus, a
// goroutine a busy machine has not run yet.
func TestLateGinkgoPipeIsInTheBaseline(t *testing.T) {
	saved := ginkgoPipeFactory
	ginkgoPipeFactory = "github.com/streamspec/streamspec/suites.pipeFactory("
	defer func() { ginkgoPipeFactory = saved }()
	running, start, shutdown := make(chan struct{}), make(chan struct{}), make(chan struct{})
	defer close(shutdown)
	pipes := make(chan [2]*os.File)
	go pipeFactory(running, start, pipes, shutdown)
	<-running
	time.AfterFunc(50*time.Millisecond, func() { close(start) })

	unwaited := leaks.TakeResources()
	if state := waitGinkgoPipeFactory(); state != "parked" {
		t.Fatalf("the factory was %s", state)
	}
	before := leaks.TakeResources()
	if leaked := before.LeakedSince(unwaited); len(leaked) != 2 {
		t.Errorf("without the wait the late pipe is new: want its 2 ends, got %q", leaked)
	}
	if leaked := leaks.TakeResources().LeakedSince(before); len(leaked) != 0 {
		t.Errorf("after the wait: %q", leaked)
	}
	p := <-pipes // the next spec takes it
	p[0].Close()
	p[1].Close()
}
