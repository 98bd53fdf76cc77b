package harness

// fionread is FIONREAD (xnu bsd/sys/filio.h); golang.org/x/sys/unix has no
// constant for it.
const fionread = 0x4004667f
