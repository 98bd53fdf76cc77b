package report

import (
	"runtime"
	"time"
)

// Here describes the running machine, for a run that started at start.
func Here(start time.Time) Environment {
	release, version := kernelRelease(), osVersion()
	return Environment{
		ID: runtime.GOOS, OS: runtime.GOOS, OSVersion: version, KernelRelease: release,
		Arch: runtime.GOARCH, GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		Date: start.UTC().Format(time.RFC3339),
	}
}
