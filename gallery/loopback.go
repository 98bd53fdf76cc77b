package gallery

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// setupTimeout bounds making one pair; the harness's own bound
// (pair.Timeout) is the same, so a hung setup fails as hung.
const setupTimeout = 2 * time.Second

// tcpPair dials a fresh TCP loopback listener and returns both ends.
func tcpPair(ctx context.Context) (client, server net.Conn, err error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept() // ends with ln.Close
		accepted <- c
	}()
	client, err = (&net.Dialer{}).DialContext(ctx, "tcp4", ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	select {
	case server = <-accepted:
		return client, server, nil
	case <-ctx.Done():
		client.Close()
		return nil, nil, ctx.Err()
	}
}

// both runs f and g at once (the two halves of a handshake) and returns
// the first error.
func both(f, g func() error) error {
	errs := make(chan error, 1)
	go func() { errs <- g() }()
	err := f()
	if err2 := <-errs; err == nil {
		err = err2
	}
	return err
}

// certificatePEM is the run's certificate and its key in PEM, for a proxy
// that reads them from files (stunnel).
func certificatePEM() (cert, key string, err error) {
	server, _, err := transports.TLSConfigs("")
	if err != nil {
		return "", "", err
	}
	c := server.Certificates[0]
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// failing is tr with every pair failing with err: an entry whose setup
// could not be made says why in every spec.
func failing(tr harness.Transport, err error) harness.Transport {
	return harness.New(tr.Name(), tr.Traits(), func(context.Context) (net.Conn, net.Conn, func(), error) {
		return nil, nil, nil, err
	})
}
