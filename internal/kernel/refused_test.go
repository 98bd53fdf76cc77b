//go:build unix

package kernel_test

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/streamspec/streamspec/internal/kernel"
)

// An option the protocol refuses is told from any other failure.
func TestRefused(t *testing.T) {
	for _, c := range []struct {
		err   error
		errno string
	}{
		{os.NewSyscallError("setsockopt TCP_QUICKACK", unix.ENOPROTOOPT), "ENOPROTOOPT"},
		{errors.Join(nil, os.NewSyscallError("setsockopt", unix.EOPNOTSUPP)), unix.ErrnoName(unix.EOPNOTSUPP)},
		{os.NewSyscallError("setsockopt", unix.EINVAL), ""},
		{errors.ErrUnsupported, ""},
		{nil, ""},
	} {
		errno, ok := kernel.Refused(c.err)
		if errno != c.errno || ok != (c.errno != "") {
			t.Errorf("Refused(%v) = %q, %v; want %q", c.err, errno, ok, c.errno)
		}
	}
}
