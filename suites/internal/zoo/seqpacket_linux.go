package zoo

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
)

// seqPackets is a real message-oriented kernel socket: an AF_UNIX
// SOCK_SEQPACKET socketpair keeps each Write a record. A Read shorter than
// the record takes its head and the kernel discards the rest
// (net/unix/af_unix.c unix_dgram_recvmsg: MSG_TRUNC), a zero-length Write
// is an empty record that Go reads as io.EOF (net/fd_posix.go: a zero
// read is EOF for every socket type but datagram and raw), and a Write
// larger than the send buffer fails (unix_dgram_sendmsg: EMSGSIZE).
func seqPackets() []Entry {
	return []Entry{{
		Transport: harness.FromMakePipe("zoo-seqpacket", seqPacketPair),
		Kind:      Library,
		Fails: []string{catalogue.Integrity.ID, catalogue.NoBoundaries.ID, catalogue.ReadAvailable.ID, catalogue.ZeroWrite.ID,
			catalogue.WriterRule.ID, catalogue.ConcurrentWrites.ID, catalogue.WriteDeadlines.ID},
		What: "an AF_UNIX SOCK_SEQPACKET socketpair: each Write a record, a short Read discards the rest of it, an empty record reads as EOF",
	}}
}

func seqPacketPair() (a, b net.Conn, stop func(), err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, nil, os.NewSyscallError("socketpair", err)
	}
	conns := make([]net.Conn, 2)
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "seqpacket")
		conns[i], err = net.FileConn(f) // a duplicate: f is closed either way
		f.Close()
		if err != nil {
			for _, c := range conns[:i] {
				c.Close()
			}
			for _, rest := range fds[i+1:] {
				unix.Close(rest)
			}
			return nil, nil, nil, err
		}
	}
	return conns[0], conns[1], nil, nil
}
