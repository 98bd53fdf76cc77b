package transports

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"

	"github.com/streamspec/streamspec/harness"
)

// Unix is a Unix domain stream socket connected through a listener. The
// socket file lives in a private 0700 directory under a short temp root
// (macOS allows 104 bytes of path and its $TMPDIR is long) and is removed
// as soon as the pair is connected.
func Unix() harness.Transport {
	return harness.New("unix", harness.Traits{Kind: harness.KindUnix, Notes: "listener, socket file"},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			dir, err := os.MkdirTemp(shortTempRoot(), "ss-")
			if err != nil {
				return nil, nil, nil, err
			}
			ln, err := (&net.ListenConfig{}).Listen(ctx, "unix", filepath.Join(dir, "s"))
			if err != nil {
				os.RemoveAll(dir)
				return nil, nil, nil, err
			}
			a, b, _, err := dialAccept(ctx, ln)
			ln.Close() // unlinks the socket file; connected sockets do not need it
			os.RemoveAll(dir)
			return a, b, nil, err
		})
}

// shortTempRoot is /tmp on Unix systems, whose $TMPDIR may be too long for
// a socket path, and the system temp directory elsewhere.
func shortTempRoot() string {
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat("/tmp"); err == nil && fi.IsDir() {
			return "/tmp"
		}
	}
	return os.TempDir()
}
