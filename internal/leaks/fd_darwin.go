package leaks

import (
	"fmt"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// listDescriptors lists /dev/fd and identifies each descriptor by fstat,
// since macOS has no link names there: a pipe end by its inode (XNU
// bsd/kern/sys_pipe.c pipe_stat hashes the end's struct pipe into
// st_ino, so the two ends of a pipe differ), a socket by its addresses
// (soo_stat leaves st_ino 0), a file, directory or device by its path
// (F_GETPATH) and inode. The listing's own descriptor is closed by the
// time it is examined and is left out.
func listDescriptors() []OpenFD {
	return eachFD("/dev/fd", func(fd int) (OpenFD, bool) {
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != nil {
			return OpenFD{}, false
		}
		d := OpenFD{FD: fd, Kind: statKind(fd)}
		switch d.Kind {
		case "pipe":
			d.ID = fmt.Sprintf("pipe 0x%x", st.Ino)
			if st.Ino == 0 {
				d.ID = "fifo or kqueue" // kern_event.c kqueue_stat reports S_IFIFO with no inode
			}
		case "socket":
			d.ID, d.Peer = socketID(fd), peerName(fd)
		default:
			d.ID = fmt.Sprintf("%s dev %d ino %d", d.Kind, st.Dev, st.Ino)
			if p := fdPath(fd); p != "" {
				d.ID = fmt.Sprintf("%s (dev %d ino %d)", p, st.Dev, st.Ino)
			}
		}
		return d, true
	})
}

// socketID names a socket by its type and addresses:
// "socket stream 127.0.0.1:5000->127.0.0.1:5001".
func socketID(fd int) string {
	typ := "socket"
	if t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err == nil {
		switch t {
		case unix.SOCK_STREAM:
			typ += " stream"
		case unix.SOCK_DGRAM:
			typ += " datagram"
		default:
			typ += " type " + strconv.Itoa(t)
		}
	}
	local := ""
	if sa, err := unix.Getsockname(fd); err == nil {
		local = sockaddrString(sa)
	}
	return typ + " " + local + "->" + peerName(fd)
}

// fdPath returns the path F_GETPATH gives for a vnode descriptor, "" for
// others. The buffer is MAXPATHLEN bytes, as fcntl(2) requires; x/sys has
// no wrapper, and FcntlFlock passes a pointer argument through.
func fdPath(fd int) string {
	buf := make([]byte, unix.PathMax)
	if unix.FcntlFlock(uintptr(fd), unix.F_GETPATH, (*unix.Flock_t)(unsafe.Pointer(&buf[0]))) != nil {
		return ""
	}
	for i, b := range buf {
		if b == 0 {
			return string(buf[:i])
		}
	}
	return ""
}
