//go:build !linux && !darwin

package harness

import (
	"errors"
	"syscall"
	"time"
)

// Elsewhere the probes report nothing and MeasureCapacity falls back to
// write deadlines.

func fdKind(int) Kind                              { return "" }
func sockBufs(int, int) (int64, int64)             { return -1, -1 }
func probeFDs(*Queues, int, int) error             { return errors.ErrUnsupported }
func setPipeSize(int, int) (int, error)            { return 0, errors.ErrUnsupported }
func nonblocking(syscall.RawConn) bool             { return false }
func isAgain(error) bool                           { return false }
func writeNB(syscall.RawConn, []byte) (int, error) { return 0, errors.ErrUnsupported }
func waitWritable(syscall.RawConn, time.Duration) (bool, error) {
	return false, errors.ErrUnsupported
}
func waitReadable(syscall.RawConn, time.Duration) (bool, error) {
	return false, errors.ErrUnsupported
}
