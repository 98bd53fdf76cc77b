package transports

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// tokenMagic starts every pairing token; the rest is random.
const tokenMagic = "streamspec"

// tokenSize is the length of a pairing token.
const tokenSize = 16

// A pairing token is what the dialled end writes first through a relay
// or proxy, and what streamspec reads first from the connection it
// accepts upstream, before either is handed to a spec: it proves the two
// are the same connection (a relay serves clients in any order, may pool
// upstream connections, and a relay that lost its port to another relay
// serves someone else's client), and shows a relay that adds bytes of
// its own, such as a PROXY protocol header.
type token [tokenSize]byte

func newToken() token {
	var t token
	copy(t[:], tokenMagic)
	_, _ = rand.Read(t[len(tokenMagic):])
	return t
}

// errMisrouted reports an upstream connection that is not the dialled one.
var errMisrouted = errors.New("the upstream connection is not the one dialled")

// readToken reads a token from c by ctx's deadline, leaving the deadline
// cleared, and says plainly what came instead of one.
func readToken(ctx context.Context, c net.Conn) (token, error) {
	var t token
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(2 * time.Second)
	}
	_ = c.SetReadDeadline(deadline)
	defer c.SetReadDeadline(time.Time{})
	n, err := io.ReadFull(c, t[:])
	if err != nil {
		return t, fmt.Errorf("%w: it began with %q, then %v, where %d bytes written into the relay were expected", errMisrouted, t[:n], err, tokenSize)
	}
	if string(t[:len(tokenMagic)]) != tokenMagic {
		return t, fmt.Errorf("%w: it began with %q, not the bytes written into the relay (does the relay add a header of its own?)", errMisrouted, t[:])
	}
	return t, nil
}

// writeToken writes t to c by ctx's deadline, leaving the deadline cleared.
func writeToken(ctx context.Context, c net.Conn, t token) error {
	if deadline, ok := ctx.Deadline(); ok {
		_ = c.SetWriteDeadline(deadline)
		defer c.SetWriteDeadline(time.Time{})
	}
	_, err := c.Write(t[:])
	return err
}
