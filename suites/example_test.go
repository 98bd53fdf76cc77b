package suites_test

import (
	"net"
	"testing"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/suites"
)

// makePipe stands in for the transport under test.
func makePipe() (c1, c2 net.Conn, stop func(), err error) {
	c1, c2 = net.Pipe()
	return c1, c2, nil, nil
}

// The whole catalogue against a custom transport is one go test function,
// in a _test.go file that also imports Ginkgo, so that go tool ginkgo run
// passes its flags (--label-filter, --focus, -p, --json-report) to the
// package:
//
//	import _ "github.com/onsi/ginkgo/v2"
//
// examples/gotest in the module is this test, runnable.
func ExampleRun() {
	testMyTransport := func(t *testing.T) {
		suites.Run(t, harness.FromMakePipe("my-transport", makePipe))
	}
	_ = testMyTransport
}

// Inside an existing Ginkgo suite, the catalogue is a container of specs
// declared at package level beside the suite's own:
//
//	var _ = suites.DescribeConformance(harness.FromMakePipe("my-transport", makePipe))
//
// The suite's RunSpecs runs them with its own flags and reporters.
// examples/ginkgo in the module is such a suite, runnable.
func ExampleDescribeConformance() {
	declare := func() bool { return suites.DescribeConformance(harness.FromMakePipe("my-transport", makePipe)) }
	_ = declare
}
