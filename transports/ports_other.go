//go:build !linux && !darwin

package transports

// ephemeralRange is IANA's dynamic port range (RFC 6335), which most
// other systems use for bind(0) and connect.
func ephemeralRange() (lo, hi int) { return 49152, 65535 }
