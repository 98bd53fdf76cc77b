package gallery

import (
	"context"
	"net"
	"net/http"

	"github.com/coder/websocket"

	"github.com/streamspec/streamspec/harness"
)

// coder/websocket: websocket.NetConn over a WebSocket between an
// http.Server on TCP loopback and websocket.Dial, binary messages, default
// options.
func init() {
	Register(Entry{
		Name:      "websocket",
		Module:    "github.com/coder/websocket",
		About:     "websocket.NetConn(MessageBinary) on both ends of a WebSocket over TCP loopback (net/http server, websocket.Dial)",
		Transport: harness.FromMakePipe("websocket", websocketPair),
	})
}

func websocketPair() (a, b net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	accepted := make(chan net.Conn, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		// The NetConn outlives the handler: its lifetime is the pair's.
		accepted <- websocket.NetConn(context.Background(), c, websocket.MessageBinary)
	})}
	go srv.Serve(ln)
	stop = func() { srv.Close() }
	c, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String(), nil)
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	a = websocket.NetConn(context.Background(), c, websocket.MessageBinary)
	select {
	case b = <-accepted:
		return a, b, stop, nil
	case <-ctx.Done():
		a.Close()
		stop()
		return nil, nil, nil, ctx.Err()
	}
}
