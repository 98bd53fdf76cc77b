// Package kernel reads the kernel's own account of an endpoint with a
// descriptor, per OS: its queues (SIOCINQ, SIOCOUTQ, TCP_INFO; SO_NREAD,
// SO_NWRITE on macOS), its poll readiness, and the socket options the
// specs set (SO_LINGER, TCP_QUICKACK, F_SETPIPE_SZ), so that "blocked" and
// "arrived" are evidence, not timing.
package kernel
