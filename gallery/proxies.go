package gallery

import (
	_ "embed"
	"strings"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/proxies"
	"github.com/streamspec/streamspec/transports"
)

// Real proxies from Debian's packages (make tools installs them), each
// started per pair by transports.RelayCommand with its configuration file
// in proxies/ and, for a variant, the settings it adds: haproxy, nginx's
// stream module, stunnel wrapping the stream in TLS and unwrapping it,
// tinyproxy as an HTTP CONNECT proxy and Dante as a SOCKS5 server (each
// told where to connect by transports.HTTPConnect and SOCKS5). The
// variants show which option causes and which fixes each finding.
var (
	//go:embed proxies/haproxy.cfg
	haproxyConfig string
	//go:embed proxies/nginx.conf
	nginxConfig string
	//go:embed proxies/stunnel.conf
	stunnelConfig string
	//go:embed proxies/tinyproxy.conf
	tinyproxyConfig string
	//go:embed proxies/danted.conf
	danteConfig string
)

// Outcomes the proxies' observed specs record (Proxy.Expect).
const (
	allSurvive = "A half-closed: survived; B half-closed: survived; idle: survived"
	rstPassed  = "read: data, ECONNRESET, EOF" // a reset passed on as a reset
	rstIsEOF   = "read: data, EOF"             // a reset turned into a clean EOF
)

// The documentation the proxies' findings quote: the hints streamspec
// gives on a failure quote the same (internal/proxies).
const (
	haproxyFin     = proxies.HaproxyFin
	haproxyTunnel  = proxies.HaproxyTunnel
	nginxHalfClose = proxies.NginxHalfClose
	nginxTimeout   = proxies.NginxTimeout
	stunnelClose   = proxies.StunnelClose
	stunnelIdle    = proxies.StunnelIdle
	// tinyproxyRelay is why tinyproxy closes both directions on a half-close.
	tinyproxyRelay    = `tinyproxy 1.11 source, src/reqs.c, relay_connection: a read of 0 from either side ends its poll loop (src/buffer.c, read_buffer: "connection was closed by client", returns -1, and the loop breaks), after which it flushes what it holds, shuts down writing to the client and to the server, and returns, closing both; tinyproxy.conf has no setting that keeps a half-closed tunnel open`
	measuredHaproxy   = "2.6.12"
	measuredNginx     = "1.22.1"
	measuredStunnel   = "5.68"
	measuredTinyproxy = "1.11.1"
	measuredDante     = "v1.4.2"
)

// timeoutSpecs are what a variant that sets a timeout runs: the specs its
// timeouts and resets show. A short idle timeout also cuts a connection
// whose reader the other specs stop for a while, more or less often with
// the machine's load.
var timeoutSpecs = []string{catalogue.HalfClose.ID, catalogue.HalfCloseSilence.ID, catalogue.GracefulClose.ID,
	catalogue.Lifetimes.ID, catalogue.AbortiveClose.ID, catalogue.AbortiveCloseByA.ID}

// fixSpecs are what a variant that fixes a finding runs: the contract and
// the close specs, all of which it must keep.
func fixSpecs() []string {
	var ids []string
	for _, b := range catalogue.All() {
		if b.Class == catalogue.Contract || b.Area == "close" {
			ids = append(ids, b.ID)
		}
	}
	return ids
}

func init() {
	Register(haproxy("haproxy", Proxy{Long: true,
		Shows: "Debian's shipped timeouts (client, server 50 s) cut half-closed and idle connections after 50 s: a half-closed one falls back from client-fin/server-fin to them. " +
			"A client's reset reaches the server as a reset, a server's reaches the client as EOF. " + haproxyFin,
		Expect: map[string]string{"lifetimes": allSurvive, LongLifetimes: "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: cut: EOF",
			"abortive-close-by-a": rstPassed, "abortive-close": rstIsEOF}}))
	Register(haproxy("haproxy-tunnel-1h", Proxy{Settings: []string{"timeout tunnel 1h"}, Specs: fixSpecs(), Long: true,
		Shows:  "the fix for the 50 s cuts: timeout tunnel as long as the longest silence the protocol allows, and no shorter client-fin or server-fin. " + haproxyTunnel,
		Expect: map[string]string{"lifetimes": allSurvive, LongLifetimes: allSurvive}}))
	Register(haproxy("haproxy-client-fin-1s", Proxy{Settings: []string{"timeout client-fin 1s"}, Specs: timeoutSpecs,
		Shows:  "timeout client-fin cuts a connection the server half-closed once the client side has been idle that long. " + haproxyFin,
		Expect: map[string]string{"lifetimes": "A half-closed: survived; B half-closed: cut: EOF; idle: survived", "abortive-close-by-a": rstPassed}}))
	Register(haproxy("haproxy-server-fin-500ms", Proxy{Settings: []string{"timeout server-fin 500ms"}, Specs: timeoutSpecs,
		Shows:  "timeout server-fin cuts a connection the client half-closed once the server side has been idle that long: a reply after a longer silence is lost. " + haproxyFin,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: survived; idle: survived"}}))

	Register(nginx("nginx", Proxy{
		Shows:  "proxy_half_close is off by default: an EOF from either side closes both directions, so no reply follows a half-close. Resets reach the other side as EOF both ways. " + nginxHalfClose,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived", "abortive-close-by-a": rstIsEOF, "abortive-close": rstIsEOF}}))
	Register(nginx("nginx-half-close", Proxy{Settings: []string{"proxy_half_close on;"}, Specs: fixSpecs(), Long: true,
		Shows:  "the fix: proxy_half_close on keeps each direction open until its own side closes; idle connections last proxy_timeout (10 min by default). " + nginxHalfClose,
		Expect: map[string]string{"lifetimes": allSurvive, LongLifetimes: allSurvive}}))
	Register(nginx("nginx-timeout-500ms", Proxy{Settings: []string{"proxy_half_close on;", "proxy_timeout 500ms;"}, Specs: timeoutSpecs,
		Shows:  "proxy_timeout closes a connection that carried nothing that long, half-closed or not: raise it above the longest silence. " + nginxTimeout,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: cut: EOF"}}))

	Register(stunnel("stunnel", Proxy{Long: true,
		Shows: "TIMEOUTclose (60 s) cuts both half-closed connections after a minute; TIMEOUTidle (12 h) leaves idle ones. Resets reach the other side as EOF both ways. " +
			stunnelClose,
		Expect: map[string]string{"lifetimes": allSurvive, LongLifetimes: "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived",
			"abortive-close-by-a": rstIsEOF, "abortive-close": rstIsEOF}}))
	Register(stunnel("stunnel-timeoutclose-1h", Proxy{Settings: []string{"TIMEOUTclose = 3600"}, Specs: fixSpecs(), Long: true,
		Shows:  "the fix for the 60 s cut: TIMEOUTclose longer than the longest reply time after a half-close (0 breaks the half-close outright). " + stunnelClose,
		Expect: map[string]string{"lifetimes": allSurvive, LongLifetimes: allSurvive}}))
	Register(stunnel("stunnel-timeoutclose-1", Proxy{Settings: []string{"TIMEOUTclose = 1"}, Specs: timeoutSpecs,
		Shows:  "TIMEOUTclose is how long stunnel keeps a half-closed connection: 1 s is the boundary of the reply-after-silence spec. " + stunnelClose,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived"}}))
	Register(stunnel("stunnel-timeoutidle-1", Proxy{Settings: []string{"TIMEOUTidle = 1"}, Specs: timeoutSpecs,
		Shows:  "TIMEOUTidle is how long stunnel keeps an idle connection, and it ends it with a reset on one side. " + stunnelIdle,
		Expect: map[string]string{"lifetimes": "A half-closed: survived; B half-closed: survived; idle: cut: RST"}}))

	Register(tinyproxy("tinyproxy", Proxy{Long: true,
		Shows: "an EOF from either side ends the tunnel at once, both directions, and no setting changes it: no reply follows a half-close. " +
			"Idle tunnels last Timeout (600 s as Debian ships it). Resets reach the other side as EOF both ways. " + tinyproxyRelay,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived",
			LongLifetimes: "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived", "abortive-close-by-a": rstIsEOF, "abortive-close": rstIsEOF}}))
	Register(tinyproxy("tinyproxy-timeout-1", Proxy{Settings: []string{"Timeout 1"}, Specs: timeoutSpecs,
		Shows:  "Timeout is how long tinyproxy keeps a tunnel that carried nothing, half-closed or not. " + proxies.TinyproxyTimeout,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: cut: EOF"}}))

	Register(dante("dante", Proxy{Long: true,
		Shows:  "keeps half-closed and idle connections for as long as they last (timeout.io and timeout.tcp_fin_wait are 0, none, by default). Resets reach the other side as EOF both ways. " + proxies.DanteIO,
		Expect: map[string]string{"lifetimes": allSurvive, LongLifetimes: allSurvive, "abortive-close-by-a": rstIsEOF, "abortive-close": rstIsEOF}}))
	Register(dante("dante-tcp-fin-wait-1", Proxy{Settings: []string{"timeout.tcp_fin_wait: 1"}, Specs: timeoutSpecs,
		Shows:  "timeout.tcp_fin_wait closes a half-closed connection after that long, whichever side half-closed: 1 s is the boundary of the reply-after-silence spec. " + proxies.DanteFinWait,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: survived"}}))
	Register(dante("dante-timeout-io-1", Proxy{Settings: []string{"timeout.io: 1"}, Specs: timeoutSpecs,
		Shows: "timeout.io closes a connection that carried nothing for that long, half-closed or not (in whole seconds, and coarsely: " +
			"timeout.io: 2 cut at 3.00 s in a trial run). " + proxies.DanteIO,
		Expect: map[string]string{"lifetimes": "A half-closed: cut: EOF; B half-closed: cut: EOF; idle: cut: EOF"}}))
}

// haproxy is haproxy 2.6 in TCP mode, in the foreground, listening on a
// socket streamspec hands it (bind fd@{listen_fd}), with Debian's shipped
// timeouts and p's settings in its defaults section.
func haproxy(name string, p Proxy) Entry {
	p.Config, p.Measured = "gallery/proxies/haproxy.cfg", measuredHaproxy
	e := Relay(name, Command{Template: "haproxy -db -f {file:haproxy.cfg}",
		Options: []transports.RelayOption{transports.ConfigFile("haproxy.cfg", configure(haproxyConfig, p.Settings))},
		Needs:   []string{"haproxy"}, Version: []string{"haproxy", "-v"}, VersionLine: "HAProxy version"})
	e.About, e.Proxy = "haproxy in TCP mode"+settings(p), &p
	return e
}

// nginxStream is where Debian's libnginx-mod-stream installs the module.
const nginxStream = "/usr/lib/nginx/modules/ngx_stream_module.so"

// nginx is nginx's stream module proxying to the upstream, p's settings
// in its server block. It takes over a socket streamspec listens on
// (nginx inherits listening sockets named in $NGINX, as in a binary
// upgrade).
func nginx(name string, p Proxy) Entry {
	p.Config, p.Measured = "gallery/proxies/nginx.conf", measuredNginx
	e := Relay(name, Command{Template: `env NGINX="{listen_fd};" nginx -e stderr -p {dir} -c {file:nginx.conf}`,
		Options: []transports.RelayOption{transports.ConfigFile("nginx.conf", configure(nginxConfig, p.Settings))},
		Needs:   []string{"nginx", nginxStream}, Version: []string{"nginx", "-v"}, VersionLine: "nginx version"})
	e.About, e.Proxy = "nginx's stream module, proxy_pass"+settings(p), &p
	return e
}

// stunnel is one stunnel process with two services: a client service that
// wraps the stream in TLS and a server service that unwraps it, with p's
// settings as global options. The server's certificate is the gallery's,
// made at run time.
func stunnel(name string, p Proxy) Entry {
	p.Config, p.Measured = "gallery/proxies/stunnel.conf", measuredStunnel
	cert, key, err := certificatePEM()
	options := []transports.RelayOption{transports.ConfigFile("stunnel.conf", configure(stunnelConfig, p.Settings)),
		transports.ConfigFile("cert.pem", cert), transports.ConfigFile("key.pem", key)}
	e := Relay(name, Command{Template: "stunnel4 {file:stunnel.conf}", Options: options,
		Needs: []string{"stunnel4"}, Version: []string{"stunnel4", "-version"}, VersionLine: "stunnel "})
	if err != nil {
		e.Transport = failing(e.Transport, err)
	}
	e.About, e.Proxy = "stunnel, a TLS client service wrapping and a server service unwrapping"+settings(p), &p
	return e
}

// tinyproxy is tinyproxy as an HTTP CONNECT proxy, in the foreground,
// p's settings at the end of its configuration; streamspec's client asks
// it for each tunnel with the configuration's credentials.
func tinyproxy(name string, p Proxy) Entry {
	p.Config, p.Measured = "gallery/proxies/tinyproxy.conf", measuredTinyproxy
	e := Relay(name, Command{Template: "tinyproxy -d -c {file:tinyproxy.conf}",
		Options: []transports.RelayOption{transports.ConfigFile("tinyproxy.conf", configure(tinyproxyConfig, p.Settings)),
			transports.HTTPConnect("streamspec", "secret")},
		Needs: []string{"tinyproxy"}, Version: []string{"tinyproxy", "-v"}, VersionLine: "tinyproxy "})
	e.About, e.Proxy = "tinyproxy, HTTP CONNECT with basic authentication"+settings(p), &p
	return e
}

// dante is Dante's SOCKS5 server, one process in the foreground, p's
// settings among its global ones; streamspec's client asks it for each
// connection without authentication.
func dante(name string, p Proxy) Entry {
	p.Config, p.Measured = "gallery/proxies/danted.conf", measuredDante
	e := Relay(name, Command{Template: "danted -N 1 -f {file:danted.conf}",
		Options: []transports.RelayOption{transports.ConfigFile("danted.conf", configure(danteConfig, p.Settings)), transports.SOCKS5("", "")},
		Needs:   []string{"danted"}, Version: []string{"danted", "-v"}, VersionLine: "Dante v"})
	e.About, e.Proxy = "Dante's danted, SOCKS5 CONNECT without authentication"+settings(p), &p
	return e
}

// settings describes p's configuration for the About line.
func settings(p Proxy) string {
	if len(p.Settings) == 0 {
		return ", " + p.Config + " as it is"
	}
	return ", " + p.Config + " with `" + strings.Join(p.Settings, " ") + "`"
}

// configure puts settings where config has its "# streamspec: settings"
// line, indented as that line is.
func configure(config string, settings []string) string {
	const mark = "# streamspec: settings"
	if len(settings) == 0 {
		return config
	}
	at := strings.Index(config, mark)
	indent := config[strings.LastIndex(config[:at], "\n")+1 : at]
	return strings.Replace(config, mark, strings.Join(settings, "\n"+indent), 1)
}
