//go:build !linux && !darwin

package kernel

import (
	"errors"
	"syscall"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// Elsewhere the probes report nothing and MeasureCapacity falls back to
// write deadlines.

func fdKind(int) harness.Kind                      { return "" }
func sockBufs(int, int) (int64, int64)             { return -1, -1 }
func probeFDs(*Queues, int, int) error             { return errors.ErrUnsupported }
func setPipeSize(int, int) (int, error)            { return 0, errors.ErrUnsupported }
func Nonblocking(syscall.RawConn) bool             { return false }
func IsAgain(error) bool                           { return false }
func WriteNB(syscall.RawConn, []byte) (int, error) { return 0, errors.ErrUnsupported }
func WaitWritable(syscall.RawConn, time.Duration) (bool, error) {
	return false, errors.ErrUnsupported
}
func waitReadable(syscall.RawConn, time.Duration) (bool, error) {
	return false, errors.ErrUnsupported
}
