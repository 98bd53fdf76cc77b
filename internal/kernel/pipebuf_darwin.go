package kernel

// PipeBuf is the largest pipe write the kernel keeps atomic
// (xnu bsd/sys/syslimits.h).
const PipeBuf = 512
