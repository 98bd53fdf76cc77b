// Package iorule calls Read and Write on a transport's endpoints and names
// a result that breaks io.Reader's or io.Writer's rule, so that the harness
// reports the endpoint, never panics slicing with it.
package iorule

import (
	"fmt"
	"io"
)

// Broken is a Read or Write whose n breaks its interface's rule.
type Broken struct {
	Call string // "B.Read", "A.Write"
	N    int    // what it returned
	Len  int    // the buffer it was given
	Err  error  // the error it returned with n
	Rule string // the rule, e.g. "io.Reader requires 0 ≤ n ≤ len(p)"
}

func (b *Broken) Error() string {
	return fmt.Sprintf("%s returned n=%d for a %d-byte buffer (%s), err=%v", b.Call, b.N, b.Len, b.Rule, b.Err)
}

// Unwrap returns the error the call returned with n.
func (b *Broken) Unwrap() error { return b.Err }

// Read is r.Read(p) on the endpoint who ("A", "B"; "" when the caller
// names it). An n below 0 or above len(p) becomes a *Broken and n 0.
func Read(who string, r io.Reader, p []byte) (int, error) {
	n, err := r.Read(p)
	if n < 0 || n > len(p) {
		return 0, &Broken{Call: call(who, "Read"), N: n, Len: len(p), Err: err, Rule: "io.Reader requires 0 ≤ n ≤ len(p)"}
	}
	return n, err
}

func call(who, method string) string {
	if who == "" {
		return method
	}
	return who + "." + method
}

// Write is w.Write(p) on the endpoint who. An n below 0 or above len(p)
// becomes a *Broken and n 0; an n below len(p) with no error, a *Broken
// with that n.
func Write(who string, w io.Writer, p []byte) (int, error) {
	n, err := w.Write(p)
	switch {
	case n < 0 || n > len(p):
		return 0, &Broken{Call: call(who, "Write"), N: n, Len: len(p), Err: err, Rule: "io.Writer requires 0 ≤ n ≤ len(p)"}
	case n < len(p) && err == nil:
		return n, &Broken{Call: call(who, "Write"), N: n, Len: len(p), Rule: "io.Writer requires an error when n < len(p)"}
	}
	return n, err
}
