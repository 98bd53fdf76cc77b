package suites_test

import (
	"testing"

	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/transports"
)

// TestBuiltin runs the whole catalogue against every built-in transport.
func TestBuiltin(t *testing.T) { suites.Run(t, transports.Builtin()...) }
