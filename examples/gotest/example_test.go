// Package gotest_test shows a custom transport validated under plain
// go test: the five lines from func makePipe to the end of TestMyTransport
// are all a user writes.
package gotest_test

import (
	"net"
	"testing"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
)

// makePipe has the shape of golang.org/x/net/nettest.MakePipe; net.Pipe
// stands in for the transport under test.
func makePipe() (c1, c2 net.Conn, stop func(), err error) {
	c1, c2 = net.Pipe()
	return c1, c2, func() {}, nil
}

func TestMyTransport(t *testing.T) { suites.Run(t, harness.FromMakePipe("my-transport", makePipe)) }
