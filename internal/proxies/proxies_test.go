package proxies

import (
	"strings"
	"testing"
	"time"
)

// The program a command line starts names the proxy; nothing else does.
func TestRecognise(t *testing.T) {
	for cmd, want := range map[string]Kind{
		"haproxy -db -f {file:haproxy.cfg}":                             Haproxy,
		`env NGINX="{listen_fd};" nginx -e stderr -p {dir} -c {file:x}`: Nginx,
		"/usr/bin/stunnel4 {file:stunnel.conf}":                         Stunnel,
		"socat -t 2 TCP-LISTEN:{listen_port} TCP:{upstream}":            Socat,
		"tinyproxy -d -c {file:tinyproxy.conf}":                         Tinyproxy,
		"danted -f {file:danted.conf}":                                  Dante,
		"my-proxy --upstream {upstream} # not haproxy":                  "",
		"sh -c 'haproxy -f x'":                                          "",
		"":                                                              "",
	} {
		if got := Recognise(cmd); got != want {
			t.Errorf("Recognise(%q) = %q, want %q", cmd, got, want)
		}
	}
}

// Every known proxy has a setting for some cut, cited; a known proxy's
// hint names its option and source, an unknown one's says what to look
// for, and neither names another proxy's option.
func TestHint(t *testing.T) {
	for _, k := range Kinds() {
		if len(settings[k]) == 0 {
			t.Errorf("%s: no settings", k)
		}
		for c, s := range settings[k] {
			if s.Option == "" || s.Citation == "" {
				t.Errorf("%s, cut %d: option %q, citation %q", k, c, s.Option, s.Citation)
			}
		}
	}
	for _, c := range []struct {
		kind Kind
		cut  Cut
		d    time.Duration
		says []string
	}{
		{Haproxy, ClientHalfClosedCut, 500 * time.Millisecond, []string{"haproxy: `timeout server-fin`", "after 0.50 s", "Source: haproxy configuration manual"}},
		{Haproxy, ServerHalfClosedCut, time.Second, []string{"`timeout client-fin`"}},
		{Nginx, HalfCloseClosesBoth, 0, []string{"`proxy_half_close on;`", "closed both directions"}},
		{Haproxy, HalfCloseClosesBoth, 0, []string{"`timeout server-fin`"}}, // a very short server-fin
		{Tinyproxy, HalfCloseClosesBoth, 0, []string{"streamspec knows no tinyproxy setting for it", "half-close"}},
		{Dante, ReplyLostAtFIN, time.Second, []string{"as the server's reply and FIN came", "a race", "`timeout.tcp_fin_wait`"}},
		{"", ReplyLostAtFIN, 0, []string{"no setting governs", "EPOLLHUP"}},
		{"", ClientHalfClosedCut, 2 * time.Second, []string{"after 2.00 s", "server-to-client direction"}},
		{"", IdleCut, 0, []string{"idle (inactivity) timeout"}},
	} {
		h := Hint(c.kind, c.cut, c.d)
		for _, s := range c.says {
			if !strings.Contains(h, s) {
				t.Errorf("Hint(%q, %d, %v) does not say %q:\n%s", c.kind, c.cut, c.d, s, h)
			}
		}
		if c.kind == "" && strings.Contains(h, "`") {
			t.Errorf("Hint for an unknown proxy names an option:\n%s", h)
		}
	}
}
