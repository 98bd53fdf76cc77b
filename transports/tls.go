package transports

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/streamspec/streamspec/harness"
)

// TLS is crypto/tls over TCP loopback with a self-signed certificate made
// at run time: a user-space stream over a kernel one. crypto/tls documents
// that after a Write times out the connection is unusable.
func TLS() harness.Transport {
	return harness.New("tls", harness.Traits{Kind: harness.KindTLS, Notes: "crypto/tls 1.3 over tcp4"},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			server, client, err := TLSConfigs("")
			if err != nil {
				return nil, nil, nil, err
			}
			client.MinVersion = tls.VersionTLS13
			ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
			if err != nil {
				return nil, nil, nil, err
			}
			defer ln.Close()
			a, b, _, err := dialAccept(ctx, ln)
			if err != nil {
				return nil, nil, nil, err
			}
			ta, tb := tls.Client(a, client), tls.Server(b, server)
			errs := make(chan error, 1)
			go func() { errs <- tb.HandshakeContext(ctx) }()
			err = ta.HandshakeContext(ctx)
			if err2 := <-errs; err == nil {
				err = err2
			}
			if err != nil {
				a.Close()
				b.Close()
				return nil, nil, nil, err
			}
			return ta, tb, nil, nil
		})
}

// certificate is a self-signed ECDSA certificate for "streamspec", made
// once per process.
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

// TLSConfigs returns a server config with a self-signed certificate made
// once per process and a client config that trusts exactly it
// (ServerName "streamspec"), both offering protocol by ALPN unless it is
// "": for wiring a TLS, QUIC or WebSocket transport under test.
func TLSConfigs(protocol string) (server, client *tls.Config, err error) {
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
