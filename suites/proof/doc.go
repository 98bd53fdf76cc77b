// Package proof shows that each observed spec's expectation check can
// fail: its test runs the observed specs against impostors named and
// kinded like built-in transports, each broken in exactly the way its
// spec checks, and passes only if every targeted spec fails with the
// expectation and its source in the message.
package proof
