// Package bound runs the calls streamspec makes into a transport with a
// limit: an operation that does not return in time is a HungError, one
// that panics a PanicError, a Close is slow from SlowClose and hung after
// CloseTimeout, and a transfer that stops moving for Stall is hung while
// one still moving when its time runs out is too slow, not stuck.
package bound
