//go:build linux || darwin

package leaks

import (
	"net/netip"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// eachFD lists the descriptors in dir (/proc/self/fd, /dev/fd) and keeps
// what describe makes of each; it drops those it cannot describe, such as
// the listing's own descriptor, closed by then.
func eachFD(dir string, describe func(fd int) (OpenFD, bool)) []OpenFD {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var ds []OpenFD
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil {
			if d, ok := describe(fd); ok {
				ds = append(ds, d)
			}
		}
	}
	return ds
}

// statKind names what fstat says fd is.
func statKind(fd int) string {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return "other"
	}
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFIFO:
		return "pipe"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFREG:
		return "file"
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "device"
	}
	return "other"
}

// peerName is a connected socket's peer address, "" when it has none.
func peerName(fd int) string {
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return ""
	}
	return sockaddrString(sa)
}

// sockaddrString formats a socket address as net.Addr.String would.
func sockaddrString(sa unix.Sockaddr) string {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)).String()
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port)).String()
	case *unix.SockaddrUnix:
		if a.Name == "" {
			return "unix:unnamed"
		}
		return "unix:" + a.Name
	case nil:
		return ""
	}
	return "family " + strconv.Itoa(int(familyOf(sa)))
}

func familyOf(sa unix.Sockaddr) int {
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return unix.AF_INET
	case *unix.SockaddrInet6:
		return unix.AF_INET6
	case *unix.SockaddrUnix:
		return unix.AF_UNIX
	}
	return -1
}
