// Package parent names the process that started this one, so that a test
// binary can tell the Ginkgo CLI from go test.
package parent

import (
	"os"
	"strings"
)

// Name is the parent process's command name ("go", "ginkgo"), or "" where
// the platform cannot tell.
func Name() string { return strings.TrimSpace(commandName(os.Getppid())) }
