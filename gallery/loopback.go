package gallery

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// setupTimeout bounds making one pair; the harness's own bound
// (harness.PairTimeout) is the same, so a hung setup fails as hung.
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

// certificate is a self-signed ECDSA certificate for "streamspec", made once
// per run.
var certificate = sync.OnceValues(func() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "streamspec"},
		DNSNames:     []string{"streamspec"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
})

// certificatePEM is the run's certificate and its key in PEM, for a proxy
// that reads them from files (stunnel).
func certificatePEM() (cert, key string, err error) {
	c, err := certificate()
	if err != nil {
		return "", "", err
	}
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

// tlsConfigs returns a server config with the run's certificate and a
// client config that trusts exactly it, both speaking protocol (ALPN).
func tlsConfigs(protocol string) (server, client *tls.Config, err error) {
	cert, err := certificate()
	if err != nil {
		return nil, nil, err
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	var alpn []string
	if protocol != "" {
		alpn = []string{protocol}
	}
	server = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: alpn}
	client = &tls.Config{RootCAs: pool, ServerName: "streamspec", NextProtos: alpn}
	return server, client, nil
}
