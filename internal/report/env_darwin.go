package report

import "golang.org/x/sys/unix"

// osVersion is the macOS product version, e.g. "macOS 14.4.1".
func osVersion() string {
	v, err := unix.Sysctl("kern.osproductversion")
	if err != nil || v == "" {
		return ""
	}
	return "macOS " + v
}
