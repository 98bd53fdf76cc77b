package kernel

// PipeBuf is the largest pipe write the kernel keeps atomic
// (include/uapi/linux/limits.h).
const PipeBuf = 4096
