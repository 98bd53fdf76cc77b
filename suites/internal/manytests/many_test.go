// Package manytests checks the README's one-transport-per-test pattern:
// two tests in one package, each calling suites.Run.
package manytests

import (
	"testing"

	"github.com/streamspec/streamspec/suites"
	"github.com/streamspec/streamspec/suites/internal/zoo"
	"github.com/streamspec/streamspec/transports"
)

func TestNetPipe(t *testing.T) { suites.Run(t, transports.NetPipe()) }

func TestQueue(t *testing.T) { suites.Run(t, zoo.Queue()) }
