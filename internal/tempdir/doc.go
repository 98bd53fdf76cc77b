// Package tempdir makes the short private directories that Unix socket
// files need (macOS allows 104 bytes of path), one prefix per process so
// that parallel processes never share one and leak checks see their own.
package tempdir
