// Package pair opens a transport's endpoint pairs with the harness's
// bounds (a Pair that hangs, panics or returns nil is an error naming the
// transport) and closes them, both ends at once, each Close bounded.
package pair
