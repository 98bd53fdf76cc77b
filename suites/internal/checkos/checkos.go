// Package checkos holds the OS whose expectations the observed specs
// check the built-in transports against: the running one. The proof tests
// set it to another OS to show that a built-in which differs from that
// OS's inferred expectations is recorded, not failed; nothing else should.
package checkos

import "runtime"

// GOOS is the OS the expectations are looked up for.
var GOOS = runtime.GOOS
