// Package bench holds the custom transports make bench times, each as a
// whole test process, under streamspec's contract and under
// golang.org/x/net/nettest.TestConn.
package bench
