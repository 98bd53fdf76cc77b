// Package rawconn finds the descriptors behind an endpoint: one for a
// socket (SyscallConn), two for an endpoint made of two pipes
// (ReadRawConn, WriteRawConn).
package rawconn
