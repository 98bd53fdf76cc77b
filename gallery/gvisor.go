package gallery

import (
	"context"
	"fmt"
	"net"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/loopback"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/streamspec/streamspec/harness"
)

// gvisor: gVisor's netstack, a TCP stack in Go, one stack per pair with a
// loopback NIC, default options; the ends are gonet.TCPConn, wrapped to
// offer what a *net.TCPConn offers (gvisorConn).
func init() {
	Register(Entry{
		Name:      "gvisor-netstack",
		Module:    "gvisor.dev/gvisor",
		About:     "TCP between two endpoints of one gVisor netstack with a loopback NIC, default options; gonet.TCPConn with SetNoDelay, SetReadBuffer, SetWriteBuffer and SetLinger mapped onto the endpoint's socket options",
		Transport: harness.FromMakePipe("gvisor-netstack", gvisorPair),
	})
}

// gvisorConn is a gonet.TCPConn with the socket-option setters of a
// *net.TCPConn, mapped onto the endpoint's tcpip.SocketOptions (what the
// harness looks for: Nagle, buffer sizes, an abortive close).
type gvisorConn struct {
	*gonet.TCPConn
	ep tcpip.Endpoint
}

// SetNoDelay: gVisor's DelayOption is Nagle on (TCP_NODELAY off).
func (c gvisorConn) SetNoDelay(noDelay bool) error {
	c.ep.SocketOptions().SetDelayOption(!noDelay)
	return nil
}

func (c gvisorConn) SetReadBuffer(n int) error {
	c.ep.SocketOptions().SetReceiveBufferSize(int64(n), true)
	return nil
}

func (c gvisorConn) SetWriteBuffer(n int) error {
	c.ep.SocketOptions().SetSendBufferSize(int64(n), true)
	return nil
}

func (c gvisorConn) SetLinger(sec int) error {
	c.ep.SocketOptions().SetLinger(tcpip.LingerOption{Enabled: sec >= 0, Timeout: time.Duration(max(sec, 0)) * time.Second})
	return nil
}

var gvisorAddr = tcpip.AddrFrom4([4]byte{127, 0, 0, 1})

func gvisorPair() (a, b net.Conn, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	stop = func() { s.Close(); s.Wait() }
	defer func() {
		if err != nil {
			stop()
		}
	}()
	if terr := s.CreateNIC(1, loopback.New()); terr != nil {
		return nil, nil, nil, fmt.Errorf("CreateNIC: %s", terr)
	}
	if terr := s.AddProtocolAddress(1, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: gvisorAddr.WithPrefix()}, stack.AddressProperties{}); terr != nil {
		return nil, nil, nil, fmt.Errorf("AddProtocolAddress: %s", terr)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: header.IPv4EmptySubnet, NIC: 1}})

	var lwq waiter.Queue
	lep, terr := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &lwq)
	if terr != nil {
		return nil, nil, nil, fmt.Errorf("gVisor's NewEndpoint: %s", terr)
	}
	defer lep.Close()
	if terr := lep.Bind(tcpip.FullAddress{NIC: 1, Addr: gvisorAddr}); terr != nil {
		return nil, nil, nil, fmt.Errorf("gVisor's Bind: %s", terr)
	}
	if terr := lep.Listen(1); terr != nil {
		return nil, nil, nil, fmt.Errorf("gVisor's Listen: %s", terr)
	}
	laddr, _ := lep.GetLocalAddress()
	var ca, cb gvisorConn
	err = both(func() (err error) { ca, err = gvisorDial(ctx, s, laddr); return err },
		func() (err error) { cb, err = gvisorAccept(ctx, lep, &lwq); return err })
	if err != nil {
		for _, c := range []gvisorConn{ca, cb} {
			if c.TCPConn != nil {
				c.Close()
			}
		}
		return nil, nil, nil, err
	}
	return ca, cb, stop, nil
}

// gvisorDial connects a new endpoint of s to addr, as gonet.DialContextTCP
// does, keeping the endpoint.
func gvisorDial(ctx context.Context, s *stack.Stack, addr tcpip.FullAddress) (gvisorConn, error) {
	var wq waiter.Queue
	ep, terr := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return gvisorConn{}, fmt.Errorf("gVisor's NewEndpoint: %s", terr)
	}
	entry, ready := waiter.NewChannelEntry(waiter.WritableEvents)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)
	terr = ep.Connect(addr)
	if _, ok := terr.(*tcpip.ErrConnectStarted); ok {
		select {
		case <-ready:
			terr = ep.LastError()
		case <-ctx.Done():
			ep.Close()
			return gvisorConn{}, ctx.Err()
		}
	}
	if terr != nil {
		ep.Close()
		return gvisorConn{}, fmt.Errorf("gVisor's Connect: %s", terr)
	}
	return gvisorConn{gonet.NewTCPConn(&wq, ep), ep}, nil
}

// gvisorAccept accepts one connection on lep, as gonet.TCPListener.Accept
// does, keeping the endpoint.
func gvisorAccept(ctx context.Context, lep tcpip.Endpoint, lwq *waiter.Queue) (gvisorConn, error) {
	entry, ready := waiter.NewChannelEntry(waiter.ReadableEvents)
	lwq.EventRegister(&entry)
	defer lwq.EventUnregister(&entry)
	for {
		ep, wq, terr := lep.Accept(nil)
		if _, ok := terr.(*tcpip.ErrWouldBlock); ok {
			select {
			case <-ready:
				continue
			case <-ctx.Done():
				return gvisorConn{}, ctx.Err()
			}
		}
		if terr != nil {
			return gvisorConn{}, fmt.Errorf("gVisor's Accept: %s", terr)
		}
		return gvisorConn{gonet.NewTCPConn(wq, ep), ep}, nil
	}
}
