// Package proxies is what streamspec knows about real proxies: which one a
// relay transport runs through, and which of its settings governs each
// cut the relay specs see, with the documentation that says so. The
// gallery's proxy findings quote the same sentences.
package proxies

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// Kind names a proxy streamspec knows the settings of.
type Kind string

// The proxies streamspec knows, all from Debian's packages: each is in the
// gallery, where what it does was measured.
const (
	Haproxy   Kind = "haproxy"
	Nginx     Kind = "nginx"
	Stunnel   Kind = "stunnel"
	Socat     Kind = "socat"
	Tinyproxy Kind = "tinyproxy"
	Dante     Kind = "dante"
)

// Kinds lists the known proxies.
func Kinds() []Kind { return []Kind{Haproxy, Nginx, Stunnel, Socat, Tinyproxy, Dante} }

// Known reports whether k is a proxy streamspec knows.
func Known(k string) bool { return slices.Contains(Kinds(), Kind(k)) }

// programs maps the programs the packages install to their proxy.
var programs = map[string]Kind{
	"haproxy": Haproxy, "nginx": Nginx, "stunnel": Stunnel, "stunnel4": Stunnel, "stunnel5": Stunnel,
	"socat": Socat, "tinyproxy": Tinyproxy, "danted": Dante, "sockd": Dante,
}

// Recognise returns the proxy a relay command line starts: its program,
// after env(1) and its variable assignments, by base name; "" for any
// other program. It never guesses from anything but the program run.
func Recognise(command string) Kind {
	fields := strings.Fields(command)
	for len(fields) > 0 && (fields[0] == "env" || fields[0] == "exec" || strings.Contains(fields[0], "=") || strings.HasPrefix(fields[0], "-")) {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return ""
	}
	return programs[path.Base(fields[0])]
}

// Cut is what a relay did to a connection, as a spec saw it.
type Cut int

const (
	// HalfCloseClosesBoth: the client's half-close closed the connection
	// at once, both directions.
	HalfCloseClosesBoth Cut = iota
	// ClientHalfClosedCut: a connection the client had half-closed was
	// cut while the server was silent.
	ClientHalfClosedCut
	// ServerHalfClosedCut: a connection the server had half-closed was
	// cut while the client was silent.
	ServerHalfClosedCut
	// IdleCut: a connection that carried nothing for a while was cut.
	IdleCut
	// ReplyLostAtFIN: after the client's half-close, the server's reply
	// and FIN never reached the client: the connection was cut as they
	// came. A timeout on half-closed connections as long as the server's
	// silence cuts it there, and so does a race in the proxy's loop that
	// closes on the FIN before reading what came with it.
	ReplyLostAtFIN
)

// what says in words what each cut is.
var what = map[Cut]string{
	HalfCloseClosesBoth: "closed both directions when the client half-closed",
	ClientHalfClosedCut: "cut a connection the client had half-closed while the server was silent",
	ServerHalfClosedCut: "cut a connection the server had half-closed while the client was silent",
	IdleCut:             "cut an idle connection",
	ReplyLostAtFIN:      "cut a connection the client had half-closed as the server's reply and FIN came",
}

// general is what to look for in a proxy streamspec does not know.
var general = map[Cut]string{
	HalfCloseClosesBoth: "look for its setting that closes each direction of a connection on its own (half-close), or a proxy that supports it",
	ClientHalfClosedCut: "look for its timeout on half-closed connections (how long it keeps the server-to-client direction open after the client's FIN), else its idle timeout on the server side, and set it above the longest the server may take to reply",
	ServerHalfClosedCut: "look for its timeout on half-closed connections (how long it keeps the client-to-server direction open after the server's FIN), else its idle timeout on the client side, and set it above the longest the client may stay silent",
	IdleCut:             "look for its idle (inactivity) timeout and set it above the longest silence the protocol allows",
	ReplyLostAtFIN:      "either its timeout on half-closed connections is as long as the server's silence, or its loop closes the connection on the server's FIN (epoll's EPOLLHUP, a read of 0) before it has read and passed on the bytes that came with it, a race that loses the reply on some runs only and that no setting governs (a bug to report to the proxy's authors)",
}

// fallback is the cut whose setting explains a cut that looks like
// another: a very short half-close timeout closes a half-closed
// connection as good as at once.
var fallback = map[Cut]Cut{HalfCloseClosesBoth: ClientHalfClosedCut, ReplyLostAtFIN: ClientHalfClosedCut}

// Setting is a proxy's option that governs a cut, and where that is
// documented.
type Setting struct {
	Option   string // the option as written in its configuration, and what it falls back to
	Citation string // the documentation's words, with where they are
}

// settings maps each known proxy's cuts to the option that governs them.
var settings = map[Kind]map[Cut]Setting{
	Haproxy: {
		ClientHalfClosedCut: {"`timeout server-fin` (unset: `timeout tunnel`, else `timeout server`; Debian ships 50 s)", HaproxyFin},
		ServerHalfClosedCut: {"`timeout client-fin` (unset: `timeout tunnel`, else `timeout client`; Debian ships 50 s)", HaproxyFin},
		IdleCut:             {"`timeout tunnel` (unset: `timeout client` and `timeout server`)", HaproxyTunnel},
	},
	Nginx: {
		HalfCloseClosesBoth: {"`proxy_half_close on;` (off by default)", NginxHalfClose},
		ClientHalfClosedCut: {"`proxy_timeout` (10m by default)", NginxTimeout},
		ServerHalfClosedCut: {"`proxy_timeout` (10m by default)", NginxTimeout},
		IdleCut:             {"`proxy_timeout` (10m by default)", NginxTimeout},
	},
	Stunnel: {
		ClientHalfClosedCut: {"`TIMEOUTclose` (60 s by default; 0 breaks the half-close)", StunnelClose},
		ServerHalfClosedCut: {"`TIMEOUTclose` (60 s by default; 0 breaks the half-close)", StunnelClose},
		IdleCut:             {"`TIMEOUTidle` (43200 s by default)", StunnelIdle},
	},
	Socat: {
		ClientHalfClosedCut: {"`-t` (0.5 s by default)", SocatHalfClose},
		ServerHalfClosedCut: {"`-t` (0.5 s by default)", SocatHalfClose},
		IdleCut:             {"`-T` (none by default)", SocatIdle},
	},
	Tinyproxy: {
		IdleCut: {"`Timeout` (600 s in Debian's tinyproxy.conf)", TinyproxyTimeout},
	},
	Dante: {
		ClientHalfClosedCut: {"`timeout.tcp_fin_wait` (0 by default: no timeout), else `timeout.io`", DanteFinWait},
		ServerHalfClosedCut: {"`timeout.tcp_fin_wait` (0 by default: no timeout), else `timeout.io`", DanteFinWait},
		IdleCut:             {"`timeout.io` (0 by default: forever)", DanteIO},
	},
}

// Governing returns the setting of proxy k that governs cut c.
func Governing(k Kind, c Cut) (Setting, bool) {
	s, ok := settings[k][c]
	return s, ok
}

// Hint says which setting to change for cut c, seen after d (0: at once):
// for a known proxy its option and the documentation, for any other a
// general hint naming the direction and what to look for.
func Hint(k Kind, c Cut, d time.Duration) string {
	seen := fmt.Sprintf("the proxy %s", what[c])
	if d > 0 {
		seen += fmt.Sprintf(", after %.2f s", d.Seconds())
	}
	s, ok := Governing(k, c)
	if f, has := fallback[c]; !ok && has {
		s, ok = Governing(k, f)
	}
	switch {
	case ok && c == ReplyLostAtFIN:
		return fmt.Sprintf("%s (%s): %s; the timeout is %s. Source: %s", seen, k, general[c], s.Option, s.Citation)
	case ok:
		return fmt.Sprintf("%s: %s governs this (%s). Source: %s", k, s.Option, seen, s.Citation)
	case k != "":
		return fmt.Sprintf("%s; streamspec knows no %s setting for it: %s", seen, k, general[c])
	}
	return fmt.Sprintf("%s: %s", seen, general[c])
}
