package proxies

// The documentation of each setting, as installed by Debian bookworm's
// packages or published by the project: the hints and the gallery's
// findings quote these.
const (
	haproxyDoc = "haproxy configuration manual (/usr/share/doc/haproxy/configuration.txt.gz, Debian's haproxy), section 4.2"
	// HaproxyFin is haproxy's timeout client-fin and server-fin.
	HaproxyFin = haproxyDoc + `: "timeout client-fin: Set the inactivity timeout on the client side for half-closed connections. ... By default it is not set, so half-closed connections will use the other timeouts (timeout.client or timeout.tunnel)"; "timeout server-fin: Set the inactivity timeout on the server side for half-closed connections" (falls back to timeout.server or timeout.tunnel)`
	// HaproxyTunnel is haproxy's timeout tunnel.
	HaproxyTunnel = haproxyDoc + `, timeout tunnel: "This timeout supersedes both the client and server timeouts once the connection becomes a tunnel. In TCP, this timeout is used as soon as no analyzer remains attached to either connection"`
	// NginxHalfClose is nginx's proxy_half_close.
	NginxHalfClose = `https://nginx.org/docs/stream/ngx_stream_proxy_module.html#proxy_half_close: "Enables or disables closing each direction of a TCP connection independently" (default off, since 1.21.4); source: ngx_stream_proxy_module.c, ngx_stream_proxy_test_finalize waits for both read ends only if pscf->half_close`
	// NginxTimeout is nginx's proxy_timeout.
	NginxTimeout = `https://nginx.org/docs/stream/ngx_stream_proxy_module.html#proxy_timeout: "Sets the timeout between two successive read or write operations on client or proxied server connections. If no data is transmitted within this time, the connection is closed." (default 10m)`
	// StunnelClose is stunnel's TIMEOUTclose.
	StunnelClose = `stunnel4(8), Debian's stunnel4: "TIMEOUTclose = SECONDS: time to wait for close_notify" (60 s unless set: measured, both half-closed connections cut after 60.08 s)`
	// StunnelIdle is stunnel's TIMEOUTidle.
	StunnelIdle = `stunnel4(8): "TIMEOUTidle = SECONDS: time to keep an idle connection" (43200 s unless set)`
	// SocatHalfClose is socat's -t.
	SocatHalfClose = `socat(1), Debian's socat: "-t<timeout>: When one channel has reached EOF, the write part of the other channel is shut down. Then, socat waits <timeout> [timeval] seconds before terminating. Default is 0.5 seconds."`
	// SocatIdle is socat's -T.
	SocatIdle = `socat(1): "-T<timeout>: Total inactivity timeout: when socat is already in the transfer loop and nothing has happened for <timeout> [timeval] seconds (no data arrived, no interrupt occurred...) then it terminates."`
	// TinyproxyTimeout is tinyproxy's Timeout.
	TinyproxyTimeout = `tinyproxy's etc/tinyproxy.conf.in, which Debian's tinyproxy installs as /etc/tinyproxy/tinyproxy.conf: "Timeout: The maximum number of seconds of inactivity a connection is allowed to have before it is closed by tinyproxy." (Timeout 600); source: src/reqs.c, relay_connection polls with config->idletimeout and returns on "Idle Timeout"`
	// DanteFinWait is Dante's timeout.tcp_fin_wait.
	DanteFinWait = `danted.conf(5), Debian's dante-server: "timeout.tcp_fin_wait: The timeout for the equivalent of TCP's FIN-WAIT-2. The default is 0, which means use the systems default (normally, no timeout)."`
	// DanteIO is Dante's timeout.io.
	DanteIO = `danted.conf(5): "timeout.io: The number of seconds an established connection can be idle. The default is 0, meaning forever."`
)
