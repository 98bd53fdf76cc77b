package transports

import "golang.org/x/sys/unix"

// ephemeralRange is the ports macOS picks for bind(0) and connect
// (net.inet.ip.portrange.first and .last, 49152-65535 by default).
func ephemeralRange() (lo, hi int) {
	first, err1 := unix.SysctlUint32("net.inet.ip.portrange.first")
	last, err2 := unix.SysctlUint32("net.inet.ip.portrange.last")
	if err1 != nil || err2 != nil || first == 0 || last < first {
		return 49152, 65535
	}
	return int(first), int(last)
}
