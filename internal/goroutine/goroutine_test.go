package goroutine

import (
	"sync"
	"testing"
	"time"
)

// The states the runtime prints, and which of them wait for another party.
func TestWaiting(t *testing.T) {
	for state, want := range map[string]bool{
		"chan receive": true, "chan receive (nil chan)": true, "chan send": true, "select": true, "select, 2 minutes": true,
		"select (no cases)": true, "IO wait": true, "IO wait, 5 minutes": true, "sync.Cond.Wait": true,
		"sync.Mutex.Lock": true, "sync.WaitGroup.Wait": true, "semacquire": true, "GC worker (idle)": true, "finalizer wait": true,
		"running": false, "runnable": false, "syscall": false, "syscall, 3 minutes, locked to thread": false,
		"sleep": false, "preempted": false,
	} {
		if got := (G{State: state}).Waiting(); got != want {
			t.Errorf("G{%q}.Waiting() = %v, want %v", state, got, want)
		}
	}
}

// Parked and Still on goroutines in known states: one blocked on a
// channel, one asleep, one spinning.
func TestParkedAndStill(t *testing.T) {
	ids := make(chan uint64)
	release := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(release)
	wg.Go(func() { ids <- ID(); <-release })
	blocked := <-ids
	waitUntil(t, func() bool { return Parked(blocked) }, "a goroutine blocked on a channel to be parked")
	waitUntil(t, Still, "the process to be still with every other goroutine blocked")

	go func() { ids <- ID(); time.Sleep(time.Minute) }() // not waited for: the test binary's exit ends it
	asleep := <-ids
	waitUntil(t, func() bool { return Parked(asleep) }, "a sleeping goroutine to be parked")
	if Still() {
		t.Error("Still with a goroutine asleep: a timer will wake it")
	}
}

// waitUntil polls cond, bounded: the states are the scheduler's, reached
// once the goroutines have run.
func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5 s for %s", what)
		}
		time.Sleep(time.Millisecond) // polling the scheduler's dump: there is no event to wait on
	}
}
