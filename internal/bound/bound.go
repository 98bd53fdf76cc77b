package bound

import (
	"errors"
	"fmt"
	"time"
)

// HungError reports an operation on a transport that did not return within
// its bound.
type HungError struct {
	Op    string
	After time.Duration
	Note  string // why the bound was what it was, if not the usual
}

func (e *HungError) Error() string {
	s := fmt.Sprintf("%s hung: no return within %v", e.Op, e.After)
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}

// PanicError reports an operation on a transport that panicked.
type PanicError struct {
	Op    string
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("%s panicked: %v", e.Op, e.Value) }

// IsHung reports whether err is or wraps a HungError.
func IsHung(err error) bool { var h *HungError; return errors.As(err, &h) }

// IsPanic reports whether err is or wraps a PanicError.
func IsPanic(err error) bool { var p *PanicError; return errors.As(err, &p) }

// Within runs op and waits at most d for it. A hung op's goroutine is left
// behind: it ends when the endpoint is closed, or never for a transport that
// ignores Close, which still does not keep the process from exiting.
func Within(d time.Duration, op string, f func() error) error {
	return WithinBusy(d, op, nil, time.Time{}, f)
}

// WithinBusy is Within that, each time d has passed, asks busy whether op
// is still under way below the transport (TCP retransmitting after a
// loss, its timer backed off to seconds) and waits on while it is, as long
// as another d ends before until: slow is not hung.
func WithinBusy(d time.Duration, op string, busy Busy, until time.Time, f func() error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- &PanicError{Op: op, Value: v}
			}
		}()
		done <- f()
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	for waited := d; ; waited += d {
		select {
		case err := <-done:
			return err
		case <-t.C:
		}
		how, ok := busyNow(busy)
		switch {
		case ok && time.Now().Add(d).Before(until):
			t.Reset(d)
		case ok:
			return &HungError{Op: op, After: waited, Note: "with " + how + " when the spec's time ran out"}
		default:
			return &HungError{Op: op, After: waited}
		}
	}
}
