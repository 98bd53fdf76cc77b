//go:build !linux

package kernel

import (
	"errors"
	"net"
)

// DelayAcks is Linux only (TCP_QUICKACK).
func DelayAcks(net.Conn) error { return errors.ErrUnsupported }
