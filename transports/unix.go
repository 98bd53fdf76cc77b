package transports

import (
	"context"
	"net"
	"os"
	"path/filepath"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/tempdir"
)

// Unix is a Unix domain stream socket connected through a listener. The
// socket file lives in a private directory from tempdir.New (short
// enough for macOS) and is removed as soon as the pair is connected.
func Unix() harness.Transport {
	return harness.New("unix", harness.Traits{Kind: harness.KindUnix, Notes: "listener, socket file"},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			dir, err := tempdir.New()
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
