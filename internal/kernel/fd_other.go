//go:build !unix

package kernel

import (
	"net"
	"os"
)

// DupWriter needs Unix descriptors.
func DupWriter(net.Conn) (*os.File, error) { return nil, ErrNoSocketOption }

func lingerZero(net.Conn) error { return ErrNoSocketOption }

// Refused: no socket options to refuse here.
func Refused(error) (string, bool) { return "", false }
