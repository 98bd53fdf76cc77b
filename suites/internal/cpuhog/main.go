// Command cpuhog keeps every core busy until it is killed or its -for
// duration ends, so make soak can look for flakes on a loaded machine.
package main

import (
	"flag"
	"runtime"
	"time"
)

func main() {
	d := flag.Duration("for", 30*time.Minute, "stop after this long")
	flag.Parse()
	for range runtime.NumCPU() {
		go func() {
			for x := uint64(1); ; x = x*6364136223846793005 + 1 {
			}
		}()
	}
	time.Sleep(*d) // the hog's lifetime, not synchronisation
}
