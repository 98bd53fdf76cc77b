//go:build !linux && !darwin

package harness

import "net"

// Unread needs FIONREAD, known here only for Linux and macOS.
func Unread(net.Conn) (int, error) { return 0, ErrNoSocketOption }
