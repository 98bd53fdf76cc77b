package gallery

import (
	_ "embed"
	"strings"

	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/transports"
)

// Real proxies from Debian's packages (make tools installs them), each
// started per pair by transports.RelayCommand with its configuration file
// in proxies/ and, for a variant, the settings it adds: haproxy, nginx's
// stream module, and stunnel wrapping the stream in TLS and unwrapping it.
// The variants show which option causes and which fixes each finding.
var (
	//go:embed proxies/haproxy.cfg
	haproxyConfig string
	//go:embed proxies/nginx.conf
	nginxConfig string
	//go:embed proxies/stunnel.conf
	stunnelConfig string
)

// Outcomes the proxies' observed specs record (Proxy.Expect).
const (
	allSurvive = "A half-closed: survived; B half-closed: survived; idle: survived"
	rstPassed  = "read: data, ECONNRESET, EOF" // a reset passed on as a reset
	rstIsEOF   = "read: data, EOF"             // a reset turned into a clean EOF
)

// The documentation the proxies' findings quote.
const (
	haproxyDoc      = "haproxy configuration manual (/usr/share/doc/haproxy/configuration.txt.gz, Debian's haproxy), section 4.2"
	haproxyFin      = haproxyDoc + `: "timeout client-fin: Set the inactivity timeout on the client side for half-closed connections. ... By default it is not set, so half-closed connections will use the other timeouts (timeout.client or timeout.tunnel)"; "timeout server-fin: Set the inactivity timeout on the server side for half-closed connections" (falls back to timeout.server or timeout.tunnel)`
	haproxyTunnel   = haproxyDoc + `, timeout tunnel: "This timeout supersedes both the client and server timeouts once the connection becomes a tunnel. In TCP, this timeout is used as soon as no analyzer remains attached to either connection"`
	nginxHalfClose  = `https://nginx.org/docs/stream/ngx_stream_proxy_module.html#proxy_half_close: "Enables or disables closing each direction of a TCP connection independently" (default off, since 1.21.4); source: ngx_stream_proxy_module.c, ngx_stream_proxy_test_finalize waits for both read ends only if pscf->half_close`
	nginxTimeout    = `https://nginx.org/docs/stream/ngx_stream_proxy_module.html#proxy_timeout: "Sets the timeout between two successive read or write operations on client or proxied server connections. If no data is transmitted within this time, the connection is closed." (default 10m)`
	stunnelClose    = `stunnel4(8), Debian's stunnel4: "TIMEOUTclose = SECONDS: time to wait for close_notify" (60 s unless set: measured, both half-closed connections cut after 60.08 s)`
	stunnelIdle     = `stunnel4(8): "TIMEOUTidle = SECONDS: time to keep an idle connection" (43200 s unless set)`
	measuredHaproxy = "2.6.12"
	measuredNginx   = "1.22.1"
	measuredStunnel = "5.68"
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
