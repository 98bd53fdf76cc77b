// Package gotest_test is the README's example: a custom transport checked
// under go test, and under go tool ginkgo with its flags.
package gotest_test

import (
	"net"
	"testing"

	_ "github.com/onsi/ginkgo/v2" // ginkgo run passes its flags to this package

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
)

// makePipe has the shape of golang.org/x/net/nettest.MakePipe; net.Pipe
// stands in for the transport under test.
func makePipe() (c1, c2 net.Conn, stop func(), err error) {
	c1, c2 = net.Pipe()
	return c1, c2, func() {}, nil
}

func TestMyTransport(t *testing.T) {
	suites.Run(t, harness.FromMakePipe("my-transport", makePipe))
}
