package gallery

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// crypto/tls: TLS 1.3 over TCP loopback with a certificate made at run
// time, as a user would validate it (streamspec's built-in tls transport is
// the same stack, declared by streamspec itself).
func init() {
	Register(Entry{
		Name:      "crypto-tls",
		Module:    "std",
		About:     "crypto/tls client and server over TCP loopback, default config, certificate made at run time",
		Transport: harness.FromMakePipe("crypto-tls", tlsPair),
	})
}

func tlsPair() (a, b net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	server, client, err := transports.TLSConfigs("")
	if err != nil {
		return nil, nil, nil, err
	}
	c1, c2, err := tcpPair(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ta, tb := tls.Client(c1, client), tls.Server(c2, server)
	if err := both(func() error { return ta.HandshakeContext(ctx) }, func() error { return tb.HandshakeContext(ctx) }); err != nil {
		c1.Close()
		c2.Close()
		return nil, nil, nil, err
	}
	return ta, tb, nil, nil
}
