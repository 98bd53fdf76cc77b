package tempdir

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// tempPrefix names this process's temporary directories, so parallel
// processes (ginkgo -p) never share one and leak checks see only their own.
var tempPrefix = fmt.Sprintf("ss%d-", os.Getpid())

// TempDir makes a private 0700 directory with a short path for socket
// files: macOS allows 104 bytes of socket path and its $TMPDIR takes about
// 49, so it lives under /tmp where that exists. The caller removes it.
func New() (string, error) { return os.MkdirTemp(shortTempRoot(), tempPrefix) }

func shortTempRoot() string {
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat("/tmp"); err == nil && fi.IsDir() {
			return "/tmp"
		}
	}
	return os.TempDir()
}

// tempDirsMade lists the directories TempDir made in this process that
// still exist.
func Made() []string {
	matches, _ := filepath.Glob(filepath.Join(shortTempRoot(), tempPrefix+"*"))
	return matches
}
