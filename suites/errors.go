package suites

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// errName names an error by the most specific well-known value it matches,
// else by the innermost error it wraps: its text for a plain errors.New
// (a library's sentinel, "stream closed"), its type otherwise. Names are
// outcome words, so they stay free of addresses and counts.
func errName(err error) string {
	for _, e := range knownErrors {
		if errors.Is(err, e.err) {
			return e.name
		}
	}
	for errors.Unwrap(err) != nil {
		err = errors.Unwrap(err)
	}
	if t := fmt.Sprintf("%T", err); t != "*errors.errorString" {
		return t
	}
	return err.Error()
}

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
	{"context.Canceled", context.Canceled},
	{"context.DeadlineExceeded", context.DeadlineExceeded},
	{"errors.ErrUnsupported", errors.ErrUnsupported},
}
