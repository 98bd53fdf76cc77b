//go:build !unix

package harness

import (
	"net"
	"os"
)

// DupWriter needs Unix descriptors.
func DupWriter(net.Conn) (*os.File, error) { return nil, ErrNoSocketOption }

func lingerZero(net.Conn) error { return ErrNoSocketOption }
