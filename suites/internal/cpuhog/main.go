// Command cpuhog loads the machine until it is killed or its -for
// duration ends, so make soak can look for flakes on a busy machine.
//
// By default it keeps every core busy with one thread each. With
// -oversubscribe it reproduces a shared CI runner: four busy OS threads a
// core (-threads), a goroutine per core churning the heap so the garbage
// collector and page faults compete too (-alloc), and a writer that
// fsyncs a scratch file in a loop (-disk).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	d := flag.Duration("for", 30*time.Minute, "stop after this long")
	over := flag.Bool("oversubscribe", false, "4 busy threads a core, plus allocation and disk load")
	threads := flag.Int("threads", 0, "busy OS threads (default: 1 a core; 4 a core with -oversubscribe)")
	alloc := flag.Int("alloc", -1, "goroutines churning the heap (default: 0; 1 a core with -oversubscribe)")
	disk := flag.String("disk", "", "directory of the fsync'd scratch file (default: none; the temp dir with -oversubscribe)")
	flag.Parse()
	ncpu := runtime.NumCPU()
	if *threads == 0 {
		*threads = ncpu
		if *over {
			*threads = 4 * ncpu
		}
	}
	if *alloc < 0 {
		*alloc = 0
		if *over {
			*alloc = ncpu
		}
	}
	if *disk == "" && *over {
		*disk = os.TempDir()
	}
	// A Go busy loop only occupies an OS thread while it holds a P: give
	// every spinner and churner one, so the kernel sees them all runnable.
	runtime.GOMAXPROCS(*threads + *alloc + 1)
	for range *threads {
		go spin()
	}
	for range *alloc {
		go churn()
	}
	if *disk != "" {
		go scribble(*disk)
	}
	fmt.Fprintf(os.Stderr, "cpuhog: %d busy threads, %d heap churners, disk %q, on %d CPUs, for %v\n", *threads, *alloc, *disk, ncpu, *d)
	time.Sleep(*d) // the hog's lifetime, not synchronisation
}

// spin keeps one OS thread busy.
func spin() {
	runtime.LockOSThread()
	for x := uint64(1); ; x = x*6364136223846793005 + 1 {
	}
}

// churn allocates and touches 32 MiB at a time, keeping up to 128 MiB
// live, so the collector runs and fresh pages fault in all the time.
func churn() {
	runtime.LockOSThread()
	var live [4][]byte
	for i := 0; ; i++ {
		b := make([]byte, 32<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		live[i%len(live)] = b
	}
}

// scribble writes 1 MiB blocks to a scratch file in dir, fsyncing each,
// and starts over every 64 MiB.
func scribble(dir string) {
	f, err := os.CreateTemp(dir, "cpuhog-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpuhog: no disk load:", err)
		return
	}
	_ = os.Remove(f.Name()) // the file goes when the hog does
	block := make([]byte, 1<<20)
	for i := 0; ; i++ {
		if i%64 == 0 {
			_ = f.Truncate(0)
			_, _ = f.Seek(0, 0)
		}
		block[0] = byte(i)
		if _, err := f.Write(block); err != nil {
			fmt.Fprintln(os.Stderr, "cpuhog: disk load stopped:", err)
			return
		}
		_ = f.Sync()
	}
}
