package harness

import "golang.org/x/sys/unix"

// fionread is SIOCINQ, which Linux defines as FIONREAD
// (include/uapi/linux/sockios.h): it works on sockets and pipes alike.
const fionread = unix.SIOCINQ
