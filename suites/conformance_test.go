package suites_test

import (
	"testing"

	_ "github.com/onsi/ginkgo/v2" // ginkgo run treats a package as a suite only if its tests name Ginkgo

	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports"
)

// TestBuiltin runs the whole catalogue against every built-in transport.
func TestBuiltin(t *testing.T) { suites.Run(t, transports.Builtin()...) }
