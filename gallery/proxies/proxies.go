// Package proxies runs real proxies from Debian's packages as streamspec
// transports: haproxy, nginx's stream module and stunnel (a TLS wrap then
// unwrap), each with its configuration file beside this one, started per
// pair by transports.RelayCommand with only streamspec's public API. Each
// constructor takes extra configuration lines, for the variants that show
// which option fixes which finding (findings.go).
package proxies

import (
	"context"
	_ "embed"
	"net"
	"os"
	"os/exec"
	"strings"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/transports"
)

var (
	//go:embed haproxy.cfg
	haproxyConfig string
	//go:embed nginx.conf
	nginxConfig string
	//go:embed stunnel.conf
	stunnelConfig string
)

// nginxStream is where Debian's libnginx-mod-stream installs the module.
const nginxStream = "/usr/lib/nginx/modules/ngx_stream_module.so"

// Haproxy is haproxy in TCP mode with Debian's shipped timeouts (client
// and server 50 s) and the given extra lines in its defaults section, e.g.
// "timeout client-fin 1s". It listens on a socket streamspec hands it.
func Haproxy(name string, settings ...string) harness.Transport {
	return relay(name, []string{"haproxy"}, "haproxy -db -f {file:haproxy.cfg}",
		transports.ConfigFile("haproxy.cfg", configure(haproxyConfig, settings)))
}

// Nginx is nginx's stream module proxying to the upstream with nginx's
// defaults and the given extra directives in its server block, e.g.
// "proxy_half_close on;". It takes over a socket streamspec listens on
// (nginx inherits listening sockets named in $NGINX, as in a binary
// upgrade).
func Nginx(name string, settings ...string) harness.Transport {
	return relay(name, []string{"nginx", nginxStream}, `env NGINX="{listen_fd};" nginx -e stderr -p {dir} -c {file:nginx.conf}`,
		transports.ConfigFile("nginx.conf", configure(nginxConfig, settings)))
}

// Stunnel is one stunnel process with two services: a client service
// that wraps the stream in TLS and a server service that unwraps it,
// with stunnel's defaults and the given global options, e.g.
// "TIMEOUTclose = 1". The server's certificate is made at run time.
func Stunnel(name string, settings ...string) harness.Transport {
	cert, key, err := selfSigned()
	return withErr(err, relay(name, []string{"stunnel4"}, "stunnel4 {file:stunnel.conf}",
		transports.ConfigFile("stunnel.conf", configure(stunnelConfig, settings)),
		transports.ConfigFile("cert.pem", cert), transports.ConfigFile("key.pem", key)))
}

// configure puts settings where config has its "# streamspec: settings"
// line.
func configure(config string, settings []string) string {
	const mark = "# streamspec: settings"
	if len(settings) == 0 {
		return config
	}
	indent := config[strings.LastIndex(config[:strings.Index(config, mark)], "\n")+1 : strings.Index(config, mark)]
	return strings.Replace(config, mark, strings.Join(settings, "\n"+indent), 1)
}

// relay is a RelayCommand that is unavailable where one of needs (a
// command, or an absolute path to a file) is missing, with the reason.
func relay(name string, needs []string, template string, options ...transports.RelayOption) harness.Transport {
	tr := transports.RelayCommand(name, template, options...)
	return harness.New(name, tr.Traits(), func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
		for _, n := range needs {
			var err error
			if strings.HasPrefix(n, "/") {
				_, err = os.Stat(n)
			} else {
				_, err = exec.LookPath(n)
			}
			if err != nil {
				return nil, nil, nil, &harness.Unavailable{Reason: n + " not installed (make tools installs it): " + err.Error()}
			}
		}
		return tr.Pair(ctx)
	})
}

// withErr makes tr fail every pair with err, if not nil.
func withErr(err error, tr harness.Transport) harness.Transport {
	if err == nil {
		return tr
	}
	return harness.New(tr.Name(), tr.Traits(), func(context.Context) (net.Conn, net.Conn, func(), error) {
		return nil, nil, nil, err
	})
}
