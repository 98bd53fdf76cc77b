package transports

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// HandshakeFunc is what a client says to a proxy before the proxy relays
// its bytes, such as an HTTP CONNECT or a SOCKS5 request naming target
// (streamspec's upstream address). It runs on the TCP connection
// streamspec dialled to the proxy, which gets ctx's deadline, and must
// leave conn as it found it but for the handshake: the proxy's reply read
// to its last byte and not one byte further, and no wrapper. conn becomes
// the pair's A end, so CloseWrite, CloseRead and the descriptor act on
// the socket itself, and every spec that runs on a plain TCP dial runs
// through the proxy.
type HandshakeFunc func(ctx context.Context, conn *net.TCPConn, target string) error

// Handshake makes Through and RelayCommand run h on every connection they
// dial to the proxy, before the pair's first bytes: a proxy that must be
// told where to connect. HTTPConnect and SOCKS5 are the common ones.
func Handshake(name string, h HandshakeFunc) RelayOption {
	return func(c *relayConfig) { c.handshake, c.handshakeName = h, name }
}

// HTTPConnect makes Through and RelayCommand reach the upstream through an
// HTTP proxy's CONNECT method (RFC 9110, section 9.3.6): "CONNECT upstream
// HTTP/1.1", with Proxy-Authorization: Basic when user is not empty; any
// 2xx reply opens the tunnel.
func HTTPConnect(user, password string) RelayOption {
	return Handshake("HTTP CONNECT", func(ctx context.Context, conn *net.TCPConn, target string) error {
		return httpConnect(ctx, conn, target, user, password)
	})
}

// SOCKS5 makes Through and RelayCommand reach the upstream through a SOCKS
// version 5 proxy (RFC 1928): a CONNECT request for upstream, offering
// no authentication, or username/password (RFC 1929) when user is not
// empty.
func SOCKS5(user, password string) RelayOption {
	return Handshake("SOCKS5", func(ctx context.Context, conn *net.TCPConn, target string) error {
		return socks5(ctx, conn, target, user, password)
	})
}

// maxReplyHeader bounds a CONNECT reply's header: a proxy that sends more
// is not answering CONNECT.
const maxReplyHeader = 16 << 10

// httpConnect asks the proxy on conn for a tunnel to target and reads its
// reply header byte by byte: the tunnel's first bytes, which the proxy
// may send right behind it, stay in the socket for the pair.
func httpConnect(ctx context.Context, conn *net.TCPConn, target, user, password string) error {
	defer deadlineFrom(ctx, conn)()
	req := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
	if user != "" {
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)) + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		return fmt.Errorf("HTTP CONNECT %s: sending the request: %w", target, err)
	}
	header, err := readHeader(conn)
	if err != nil {
		return fmt.Errorf("HTTP CONNECT %s: reading the reply: %w", target, err)
	}
	status, fields, _ := strings.Cut(header, "\r\n")
	proto, rest, _ := strings.Cut(status, " ")
	code, _, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	switch {
	case !strings.HasPrefix(proto, "HTTP/1.") || err != nil || len(code) != 3:
		return fmt.Errorf("HTTP CONNECT %s: the reply is not HTTP: %q", target, status)
	case n >= 200 && n < 300:
		return nil
	case n == 407 && user == "":
		return fmt.Errorf("HTTP CONNECT %s: the proxy answered %q: it wants credentials%s", target, status, field(fields, "Proxy-Authenticate"))
	case n == 407:
		return fmt.Errorf("HTTP CONNECT %s: the proxy answered %q: it refused user %q and its password", target, status, user)
	}
	return fmt.Errorf("HTTP CONNECT %s: the proxy answered %q", target, status)
}

// readHeader reads an HTTP header up to its empty line, one byte at a
// time, and returns it without the empty line.
func readHeader(r io.Reader) (string, error) {
	var h []byte
	b := make([]byte, 1)
	for !bytes.HasSuffix(h, []byte("\r\n\r\n")) {
		if len(h) >= maxReplyHeader {
			return "", fmt.Errorf("no end of header in %d bytes (it begins %q)", len(h), h[:64])
		}
		if _, err := io.ReadFull(r, b); err != nil {
			if len(h) > 0 {
				return "", fmt.Errorf("%w after %q", eofAsUnexpected(err), h)
			}
			return "", eofAsUnexpected(err)
		}
		h = append(h, b[0])
	}
	return string(h[:len(h)-4]), nil
}

// field returns ", NAME: value" for a header field in fields, or "".
func field(fields, name string) string {
	for l := range strings.SplitSeq(fields, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return " (" + name + ": " + strings.TrimSpace(v) + ")"
		}
	}
	return ""
}

// SOCKS5 constants, RFC 1928 and RFC 1929.
const (
	socksVersion   = 5
	socksNoAuth    = 0x00
	socksUserPass  = 0x02
	socksNoMethods = 0xff
	socksConnect   = 0x01
	socksIPv4      = 0x01
	socksDomain    = 0x03
	socksIPv6      = 0x04
	userPassV1     = 0x01
)

// socksReplies are RFC 1928's reply codes, section 6.
var socksReplies = map[byte]string{
	1: "general SOCKS server failure", 2: "connection not allowed by ruleset", 3: "network unreachable",
	4: "host unreachable", 5: "connection refused", 6: "TTL expired", 7: "command not supported", 8: "address type not supported",
}

// socks5 negotiates a method, authenticates if asked, and requests a
// CONNECT to target, reading each reply by its exact length.
func socks5(ctx context.Context, conn *net.TCPConn, target, user, password string) error {
	defer deadlineFrom(ctx, conn)()
	fail := func(format string, args ...any) error {
		return fmt.Errorf("SOCKS5 CONNECT %s: %s", target, fmt.Sprintf(format, args...))
	}
	addr, err := socksAddress(target)
	if err != nil {
		return fail("%v", err)
	}
	if len(user) > 255 || len(password) > 255 {
		return fail("a username or password longer than 255 bytes (RFC 1929)")
	}
	methods := []byte{socksNoAuth}
	if user != "" {
		methods = []byte{socksUserPass}
	}
	if _, err := conn.Write(append([]byte{socksVersion, byte(len(methods))}, methods...)); err != nil {
		return fail("sending the greeting: %v", err)
	}
	var chosen [2]byte
	if _, err := io.ReadFull(conn, chosen[:]); err != nil {
		return fail("reading the method the proxy chose: %v", eofAsUnexpected(err))
	}
	switch {
	case chosen[0] != socksVersion:
		return fail("the proxy answered version %d, not 5: %q", chosen[0], chosen[:])
	case chosen[1] == socksNoMethods && user == "":
		return fail("the proxy accepts none of the methods offered (no authentication): it wants credentials")
	case chosen[1] == socksNoMethods:
		return fail("the proxy accepts none of the methods offered (username/password)")
	case chosen[1] != methods[0]:
		return fail("the proxy chose method %#x, which was not offered", chosen[1])
	case chosen[1] == socksUserPass:
		auth := append([]byte{userPassV1, byte(len(user))}, user...)
		auth = append(append(auth, byte(len(password))), password...)
		if _, err := conn.Write(auth); err != nil {
			return fail("sending the username and password: %v", err)
		}
		var status [2]byte
		if _, err := io.ReadFull(conn, status[:]); err != nil {
			return fail("reading the authentication status: %v", eofAsUnexpected(err))
		}
		if status[1] != 0 {
			return fail("the proxy refused user %q and its password (status %d)", user, status[1])
		}
	}
	if _, err := conn.Write(append([]byte{socksVersion, socksConnect, 0}, addr...)); err != nil {
		return fail("sending the request: %v", err)
	}
	var reply [4]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return fail("reading the reply: %v", eofAsUnexpected(err))
	}
	if reply[0] != socksVersion {
		return fail("the reply has version %d, not 5", reply[0])
	}
	if reply[1] != 0 {
		why, ok := socksReplies[reply[1]]
		if !ok {
			why = "unassigned"
		}
		return fail("the proxy replied %d: %s", reply[1], why)
	}
	var rest int // the bound address and port that end the reply
	switch reply[3] {
	case socksIPv4:
		rest = 4 + 2
	case socksIPv6:
		rest = 16 + 2
	case socksDomain:
		var n [1]byte
		if _, err := io.ReadFull(conn, n[:]); err != nil {
			return fail("reading the reply's address: %v", eofAsUnexpected(err))
		}
		rest = int(n[0]) + 2
	default:
		return fail("the reply's address has type %d", reply[3])
	}
	if _, err := io.ReadFull(conn, make([]byte, rest)); err != nil {
		return fail("reading the reply's address: %v", eofAsUnexpected(err))
	}
	return nil
}

// socksAddress encodes host:port as a SOCKS5 address: IPv4, IPv6 or a
// domain name, then the port.
func socksAddress(target string) ([]byte, error) {
	host, portText, err := net.SplitHostPort(target)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", portText, err)
	}
	var out []byte
	switch ip, err := netip.ParseAddr(host); {
	case err == nil && ip.Is4():
		out = append([]byte{socksIPv4}, ip.AsSlice()...)
	case err == nil:
		out = append([]byte{socksIPv6}, ip.AsSlice()...)
	case len(host) > 255:
		return nil, fmt.Errorf("host name %q is longer than 255 bytes", host)
	default:
		out = append([]byte{socksDomain, byte(len(host))}, host...)
	}
	return binary.BigEndian.AppendUint16(out, uint16(port)), nil
}

// deadlineFrom sets ctx's deadline on conn and returns what clears it.
func deadlineFrom(ctx context.Context, conn net.Conn) func() {
	deadline, ok := ctx.Deadline()
	if !ok {
		return func() {}
	}
	_ = conn.SetDeadline(deadline)
	return func() { _ = conn.SetDeadline(time.Time{}) }
}

// eofAsUnexpected says that the proxy closed the connection where a
// reply was due.
func eofAsUnexpected(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the proxy closed the connection")
	}
	return err
}
