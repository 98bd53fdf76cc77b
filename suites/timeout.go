package suites

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/iorule"
	"github.com/streamspec/streamspec/internal/pattern"
)

// timeoutRun is what a stream did around a Write that a deadline ended,
// the reader stopped, and afterwards, with the writer going on and the
// reader reading everything the Writes reported.
type timeoutRun struct {
	accepted int64  // bytes the Writes reported, the one the deadline ended included
	err      error  // what ended that Write
	sign     string // how err shows it is a timeout (timeoutSign); "" if it does not
	later    error  // the first error of the Writes after it; nil if they all succeeded
	again    error  // after a later Write failed, what one more Write returned
	wrote    int64  // bytes the later Writes reported
	read     error  // how B's Reads of every reported byte ended: nil, a *pattern.MismatchError, another error
}

// dead reports whether the stream refused Writes after the timeout: the
// first later Write failed, and so did the next.
func (r timeoutRun) dead() bool { return r.later != nil && r.again != nil }

// errAllRead ends the transfer once the writer has failed and the reader
// has every byte the Writes reported: its Read may wait for good then.
var errAllRead = errors.New("every reported byte read")

// readError is the reader's own error, as opposed to a bound's.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// deadlineFirst has A write Pattern(seed) with the reader stopped, a
// 50 ms deadline set first, until a Write fails: it returns what the
// Writes reported, the error that ended the last one, and a bound's error
// (a step that hung or panicked) if there is one. The deadline is set
// before the Writes, not while one is blocked: a
// transport may take a deadline only when a Write starts (smux's writeV1
// reads it once), and its timed-out Write is what the rule is about.
func deadlineFirst(c *specRun, seed uint64) (accepted int64, err, bounds error) {
	if err := bound.Within(opBound, "A.SetWriteDeadline", func() error {
		return c.A.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	}); err != nil {
		return 0, nil, err
	}
	src := pattern.Pattern(seed)
	chunk := make([]byte, 64<<10)
	bounds = bound.Within(3*time.Second, "A.Write with a 50 ms deadline and the reader stopped", func() error {
		for accepted <= catalogue.BackpressureBound {
			_, _ = src.Read(chunk)
			n, werr := iorule.Write("A", c.A, chunk)
			accepted += int64(n)
			if werr != nil {
				err = werr
				return nil
			}
		}
		return nil
	})
	return accepted, err, bounds
}

// afterWriteTimeout has a Write of A's ended by its deadline
// (deadlineFirst); then, the deadline cleared, A writes 256 KiB more of the pattern, from
// where the Writes had reported it, while B reads every byte the Writes
// reported and checks it against the pattern. A later Write that fails
// is followed by one more. It returns a bound's error (a step that hung
// or panicked), not the transport's: those are in the run.
func afterWriteTimeout(c *specRun, seed uint64) (timeoutRun, error) {
	const after = 256 << 10
	var r timeoutRun
	accepted, err, bounds := deadlineFirst(c, seed)
	if bounds != nil {
		return r, bounds
	}
	r.accepted, r.err, r.sign = accepted, err, timeoutSign(err)
	if err == nil {
		return r, nil // the deadline never ended a Write
	}
	if err := bound.Within(opBound, "A.SetWriteDeadline(zero)", func() error { return c.A.SetWriteDeadline(time.Time{}) }); err != nil {
		return r, err
	}
	src := pattern.From(seed, r.accepted)
	chunk := make([]byte, 64<<10)

	vol := pattern.NewVolume(r.accepted + after)
	var got atomic.Int64
	writerDone := make(chan struct{})
	err = c.watchErr(&got, map[string]func() error{
		"A writes on after the timeout": func() error {
			defer close(writerDone)
			for r.wrote < after {
				p := chunk[:min(int64(len(chunk)), after-r.wrote)]
				_, _ = src.Read(p)
				n, err := iorule.Write("A", c.A, p)
				r.wrote += int64(n)
				if err != nil {
					r.later = err
					break
				}
			}
			if r.later == nil {
				return nil
			}
			total := vol.Settle(r.accepted + r.wrote)
			r.again = bound.Within(opBound, "one more A.Write after a failed one", func() error {
				_, err := iorule.Write("A", c.A, []byte("x"))
				return err
			})
			if got.Load() >= total {
				return errAllRead // the reader may be waiting for bytes that will never come
			}
			return nil
		},
		"B reads every byte the Writes reported": func() error {
			err := pattern.ReceiveVolume(c.B, seed, vol, &got)
			var mm *pattern.MismatchError
			if err != nil && !errors.As(err, &mm) {
				// The stream ended or broke: before the reported bytes or
				// after them depends on what the writer, whose later Writes
				// fail on a dead stream, ends up reporting.
				select {
				case <-writerDone:
				case <-time.After(opBound):
				}
			}
			if err != nil && got.Load() < vol.Total() {
				return &readError{err} // the writer may be left blocked: the reader has stopped
			}
			return nil // everything reported arrived; what ended the stream after it is the writer's to say
		},
	})
	var re *readError
	switch {
	case errors.Is(err, errAllRead):
		err = nil
	case errors.As(err, &re):
		r.read, err = re.err, nil
	}
	return r, err
}
