package rawconn

import (
	"net"
	"syscall"
)

// DuplexRawConn is implemented by endpoints whose two directions are
// separate descriptors, such as a pair of pipes.
type DuplexRawConn interface {
	ReadRawConn() (syscall.RawConn, error)
	WriteRawConn() (syscall.RawConn, error)
}

// RawConns returns the descriptors behind c's reading and writing
// directions, or nils when c has none. A socket has one for both.
func RawConns(c net.Conn) (read, write syscall.RawConn) {
	switch c := c.(type) {
	case DuplexRawConn:
		r, err1 := c.ReadRawConn()
		w, err2 := c.WriteRawConn()
		if err1 != nil || err2 != nil {
			return nil, nil
		}
		return r, w
	case syscall.Conn:
		rc, err := c.SyscallConn()
		if err != nil {
			return nil, nil
		}
		return rc, rc
	}
	return nil, nil
}
