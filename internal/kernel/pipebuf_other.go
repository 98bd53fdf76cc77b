//go:build !linux && !darwin

package kernel

// PipeBuf is POSIX's minimum for the atomic pipe write size (_POSIX_PIPE_BUF).
const PipeBuf = 512
