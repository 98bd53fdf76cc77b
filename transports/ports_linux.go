package transports

import (
	"fmt"
	"os"
)

// ephemeralRange is the ports Linux picks for bind(0) and connect in this
// network namespace (net.ipv4.ip_local_port_range, 32768-60999 by default).
func ephemeralRange() (lo, hi int) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if _, err = fmt.Sscan(string(b), &lo, &hi); err == nil && lo > 0 && hi >= lo {
			return lo, hi
		}
	}
	return 32768, 60999
}
