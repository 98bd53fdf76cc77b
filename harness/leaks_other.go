//go:build !linux

package harness

// runtimeOwned reports descriptors the Go runtime keeps for itself; only
// Linux has the splice pipe cache.
func runtimeOwned(fd int, what string) bool { return false }
