//go:build !linux

package zoo

// seqPackets is empty where the zoo's SOCK_SEQPACKET case does not run:
// it is measured on Linux.
func seqPackets() []Entry { return nil }
