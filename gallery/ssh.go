package gallery

import (
	"context"
	"crypto"
	"errors"
	"io"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

// x/crypto/ssh: a channel between an in-process SSH server and client over
// TCP loopback. ssh.Channel is an io.ReadWriteCloser with CloseWrite and no
// deadlines, so it is given to the harness as such, as the README says.
func init() {
	Register(Entry{
		Name:      "ssh",
		Module:    "golang.org/x/crypto",
		About:     "an x/crypto/ssh channel between an in-process server and client over TCP loopback",
		Transport: harness.FromReadWriteClosers("ssh", sshPair),
	})
}

func sshPair() (a, b io.ReadWriteCloser, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	tlsServer, _, err := transports.TLSConfigs("")
	if err != nil {
		return nil, nil, nil, err
	}
	hostKey, err := ssh.NewSignerFromSigner(tlsServer.Certificates[0].PrivateKey.(crypto.Signer))
	if err != nil {
		return nil, nil, nil, err
	}
	server := &ssh.ServerConfig{NoClientAuth: true}
	server.AddHostKey(hostKey)
	client := &ssh.ClientConfig{User: "streamspec", HostKeyCallback: ssh.FixedHostKey(hostKey.PublicKey())}

	c1, c2, err := tcpPair(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	// Both handshakes are bounded by the connections' deadlines.
	deadline, _ := ctx.Deadline()
	c1.SetDeadline(deadline)
	c2.SetDeadline(deadline)
	var cc ssh.Conn
	var sc *ssh.ServerConn
	var incoming <-chan ssh.NewChannel
	stop = func() {
		if cc != nil {
			cc.Close()
		}
		if sc != nil {
			sc.Close()
		}
		c1.Close()
		c2.Close()
	}
	err = both(func() error {
		conn, chans, reqs, err := ssh.NewClientConn(c1, c1.RemoteAddr().String(), client)
		if err != nil {
			return err
		}
		cc = conn
		go ssh.DiscardRequests(reqs)
		go rejectAll(chans)
		return nil
	}, func() error {
		conn, chans, reqs, err := ssh.NewServerConn(c2, server)
		if err != nil {
			return err
		}
		sc, incoming = conn, chans
		go ssh.DiscardRequests(reqs)
		return nil
	})
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	var ca, cb ssh.Channel
	err = both(func() error {
		ch, reqs, err := cc.OpenChannel("streamspec", nil)
		if err != nil {
			return err
		}
		go ssh.DiscardRequests(reqs)
		ca = ch
		return nil
	}, func() error {
		nc, ok := <-incoming
		if !ok {
			return errors.New("ssh: the server's connection closed before a channel opened")
		}
		ch, reqs, err := nc.Accept()
		if err != nil {
			return err
		}
		go ssh.DiscardRequests(reqs)
		cb = ch
		go rejectAll(incoming)
		return nil
	})
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	c1.SetDeadline(time.Time{})
	c2.SetDeadline(time.Time{})
	return ca, cb, stop, nil
}

func rejectAll(chans <-chan ssh.NewChannel) {
	for nc := range chans {
		nc.Reject(ssh.Prohibited, "streamspec opens channels from the client only")
	}
}
