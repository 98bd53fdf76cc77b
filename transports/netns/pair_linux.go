package netns

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/pair"
)

func (t *Transport) pair(ctx context.Context) (net.Conn, net.Conn, func(), error) {
	if err := t.path.check(); err != nil {
		return nil, nil, nil, err
	}
	l, err := takeLink(ctx, t.path)
	if err != nil {
		return nil, nil, nil, err
	}
	a, b, err := l.connect(ctx)
	if err != nil {
		l.close()
		return nil, nil, nil, err
	}
	t.links.Store(a, l)
	return a, b, func() { t.links.Delete(a); l.release() }, nil
}

// Hold implements measure.NetworkPath: it stops the bottleneck of a's path from
// forwarding towards B until release.
func (t *Transport) Hold(ctx context.Context, a net.Conn) (release func() error, err error) {
	l, ok := t.links.Load(a)
	if !ok {
		return nil, fmt.Errorf("transport %s: Hold: %v is not the A end of an open pair", t.name, a.LocalAddr())
	}
	return l.(*link).hold(ctx)
}

// check says why the path cannot run here before any namespace is made.
func (p Path) check() error {
	tools := []string{"ip", "tc"}
	if p.Loss > 0 {
		tools = append(tools, "nft")
	}
	for _, tool := range tools {
		if _, err := lookTool(tool); err != nil {
			return err
		}
	}
	if r := noNetem.Load(); r != nil && p.Shaper() == "netem" {
		return &harness.Unavailable{Reason: *r}
	}
	if p.CC == "" {
		return nil
	}
	avail, err := os.ReadFile("/proc/sys/net/ipv4/tcp_available_congestion_control")
	if err != nil {
		return err
	}
	if !slices.Contains(strings.Fields(string(avail)), p.CC) {
		return &harness.Unavailable{Reason: fmt.Sprintf("congestion control %s is not available (have: %s)", p.CC, strings.TrimSpace(string(avail)))}
	}
	return nil
}

// defaultCC is the congestion control new sockets get.
func defaultCC() string {
	b, _ := os.ReadFile("/proc/sys/net/ipv4/tcp_congestion_control")
	return strings.TrimSpace(string(b))
}

// connect listens in B's namespace and dials from A's. The handshake
// completes in the kernel, so Accept after a successful dial returns at once.
func (l *link) connect(ctx context.Context) (a, b *net.TCPConn, err error) {
	control := func(_, _ string, rc syscall.RawConn) error { return setCC(rc, l.path.CC) }
	var ln *net.TCPListener
	if err := inNS(l.b, func() error {
		x, err := (&net.ListenConfig{Control: control}).Listen(ctx, "tcp4", AddrB+":0")
		if err == nil {
			ln = x.(*net.TCPListener)
		}
		return err
	}); err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	if err := inNS(l.a, func() error {
		c, err := (&net.Dialer{Control: control}).DialContext(ctx, "tcp4", ln.Addr().String())
		if err == nil {
			a = c.(*net.TCPConn)
		}
		return err
	}); err != nil {
		return nil, nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(pair.Timeout)
	}
	_ = ln.SetDeadline(deadline)
	var rc syscall.RawConn
	if b, err = ln.AcceptTCP(); err == nil {
		if rc, err = b.SyscallConn(); err == nil {
			err = setCC(rc, l.path.CC) // set it, whatever the accepted socket inherited
		}
	}
	if err != nil {
		a.Close()
		if b != nil {
			b.Close()
		}
		return nil, nil, err
	}
	return a, b, nil
}

// setCC sets the socket's congestion control (TCP_CONGESTION).
func setCC(rc syscall.RawConn, cc string) error {
	if cc == "" {
		return nil
	}
	var err error
	if cerr := rc.Control(func(fd uintptr) {
		err = unix.SetsockoptString(int(fd), unix.IPPROTO_TCP, unix.TCP_CONGESTION, cc)
	}); cerr != nil {
		return cerr
	}
	return os.NewSyscallError("setsockopt TCP_CONGESTION "+cc, err)
}
