package suites

import (
	"io"
	"net"
	"os"
	"syscall"
)

var knownErrors = []struct {
	name string
	err  error
}{
	{"EOF", io.EOF},
	{"ECONNRESET", syscall.ECONNRESET},
	{"EPIPE", syscall.EPIPE},
	{"ECONNABORTED", syscall.ECONNABORTED},
	{"ENOTCONN", syscall.ENOTCONN},
	{"io.ErrClosedPipe", io.ErrClosedPipe},
	{"net.ErrClosed", net.ErrClosed},
	{"os.ErrClosed", os.ErrClosed},
	{"timeout", os.ErrDeadlineExceeded},
	{"io.ErrUnexpectedEOF", io.ErrUnexpectedEOF},
}
