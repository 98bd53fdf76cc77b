package transports

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/proxies"
	"github.com/streamspec/streamspec/internal/tempdir"
)

// RelayCommand validates a relay run as a command. template is a command
// line, run as "exec template" by /bin/sh (so quoting works and the relay
// replaces the shell; set variables with env(1)), whose placeholders are
// replaced for every pair:
//
//	{listen}         127.0.0.1:PORT, a free loopback port the relay must listen on
//	{listen_port}    PORT alone
//	{listen_fd}      3: a TCP socket already listening on {listen}, passed to the
//	                 relay as descriptor 3 (haproxy "bind fd@3"; socat >= 1.8
//	                 "ACCEPT-FD:3"); with it no other process can take the port
//	{upstream}       127.0.0.1:PORT of streamspec's upstream listener
//	{upstream_port}  its PORT alone
//	{addr:NAME}      127.0.0.1:PORT, another free port, one per NAME (an internal hop)
//	{port:NAME}      that PORT alone
//	{file:NAME}      the path of the file NAME given with ConfigFile
//	{dir}            a private directory for the pair (pid files, logs), removed after it
//
// For example "socat TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr
// TCP:{upstream}". The command runs in its own process group, one per pair;
// streamspec dials {listen} until it accepts (bounded by the pair's
// deadline), and kills the group and reaps the process when the pair is
// closed. A command that exits or does not accept in time fails the pair
// with its exit status and stderr. Otherwise it behaves as Relay.
//
// Ports the relay binds itself are picked outside the OS's ephemeral port
// range, so no other process's bind(0) or connect can be given one
// between streamspec's check that it is free and the relay's bind; and a
// relay that exits saying "Address already in use" (someone chose that
// port explicitly) is started again on fresh ports within the pair's
// deadline.
func RelayCommand(name, template string, options ...RelayOption) harness.Transport {
	cfg := relayConfig{template: template, files: map[string]string{}, pickPort: unallocatedPort, retry: true}
	for _, o := range options {
		o(&cfg)
	}
	if cfg.proxy == "" {
		cfg.proxy = string(proxies.Recognise(template))
	}
	return harness.New(name, harness.Traits{Kind: harness.KindRelay, Notes: template, Proxy: cfg.proxy},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			return relayPair(ctx, cfg.handshake, func(upstream string) (*runningRelay, error) {
				return startCommand(ctx, &cfg, upstream)
			})
		})
}

// RelayOption configures a RelayCommand.
type RelayOption func(*relayConfig)

// ConfigFile gives a RelayCommand a file the relay reads, such as its
// configuration: for every pair, template is written to a private
// directory with the same placeholders replaced, and {file:NAME} in the
// command line (or another file) is its path.
func ConfigFile(name, template string) RelayOption {
	return func(c *relayConfig) { c.files[name] = template }
}

type relayConfig struct {
	template string
	files    map[string]string // name: template
	pickPort func() (string, error)
	retry    bool // start again on fresh ports after losing one

	handshake     HandshakeFunc // run on every dialled connection before its token
	handshakeName string
	proxy         string // the proxy software: ProxyKind, else what the command line starts
}

// ProxyKind tells Through and RelayCommand which proxy the transport runs
// through ("haproxy", "nginx", "stunnel", "socat", "tinyproxy", "dante"),
// so that a failure names the proxy's setting that governs it, with the
// documentation that says so. RelayCommand recognises the proxy its
// command line starts by itself; Through cannot know, so without
// ProxyKind its failures give a general hint: which direction was cut,
// how long after what.
func ProxyKind(kind string) RelayOption {
	return func(c *relayConfig) { c.proxy = kind }
}

// racyPorts is RelayCommand as it was: ports from bind(0), freed for the
// relay to bind, and no second start; only TestRelayCommandPortRace uses
// it, to show the race.
func racyPorts(c *relayConfig) { c.pickPort, c.retry = ephemeralPort, false }

// stderrKeep is how much of a relay's stderr an error quotes.
const stderrKeep = 2 << 10

// placeholder matches every {...} form RelayCommand replaces.
var placeholder = regexp.MustCompile(`\{(listen|listen_port|listen_fd|upstream|upstream_port|dir|(addr|port|file):([A-Za-z0-9_.-]+))\}`)

// listenFD is the descriptor {listen_fd} names: the first of ExtraFiles.
const listenFD = 3

// relayPlan is what one start of a relay command gets: its ports, its
// directory, the listening socket it inherits, and how to release them.
type relayPlan struct {
	ports     map[string]string // "" for {listen}, NAME for {addr:NAME}
	upstream  string
	dir       string
	inherited *os.File // {listen_fd}, or nil
	cleanup   []func()
}

func (p *relayPlan) release() {
	for _, f := range p.cleanup {
		f()
	}
}

// plan reserves what cfg's command line and files name.
func plan(ctx context.Context, cfg *relayConfig, upstream string) (_ *relayPlan, err error) {
	p := &relayPlan{ports: map[string]string{}, upstream: upstream}
	defer func() {
		if err != nil {
			p.release()
		}
	}()
	texts := strings.Join(append([]string{cfg.template}, mapValues(cfg.files)...), "\n")
	if strings.Contains(texts, "{listen_fd}") {
		ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		p.inherited, err = ln.(*net.TCPListener).File()
		ln.Close() // the relay's copy keeps the socket listening
		if err != nil {
			return nil, err
		}
		p.cleanup = append(p.cleanup, func() { p.inherited.Close() })
		_, p.ports[""], _ = net.SplitHostPort(ln.Addr().String())
	}
	if len(cfg.files) > 0 || strings.Contains(texts, "{dir}") {
		if p.dir, err = tempdir.New(); err != nil {
			return nil, err
		}
		p.cleanup = append(p.cleanup, func() { os.RemoveAll(p.dir) })
	}
	names := []string{""} // {listen} gets a port even if nothing names it: the dial then fails plainly
	for _, m := range placeholder.FindAllStringSubmatch(texts, -1) {
		if _, ok := cfg.files[m[3]]; m[2] == "file" && !ok {
			return nil, fmt.Errorf("relay command names {file:%s} but no ConfigFile %q was given", m[3], m[3])
		}
		if m[2] == "addr" || m[2] == "port" {
			names = append(names, m[3])
		}
	}
	for _, name := range names {
		if _, ok := p.ports[name]; ok {
			continue
		}
		port, release, err := reservePort(cfg.pickPort)
		if err != nil {
			return nil, err
		}
		p.ports[name] = port
		p.cleanup = append(p.cleanup, release)
	}
	return p, nil
}

// render replaces the placeholders in text.
func (p *relayPlan) render(text string) string {
	return placeholder.ReplaceAllStringFunc(text, func(ph string) string {
		m := placeholder.FindStringSubmatch(ph)
		switch {
		case m[1] == "listen" || m[2] == "addr":
			return "127.0.0.1:" + p.ports[m[3]]
		case m[1] == "listen_port" || m[2] == "port":
			return p.ports[m[3]]
		case m[1] == "listen_fd":
			return strconv.Itoa(listenFD)
		case m[1] == "upstream":
			return p.upstream
		case m[1] == "upstream_port":
			_, port, _ := net.SplitHostPort(p.upstream)
			return port
		case m[1] == "dir":
			return p.dir
		}
		return filepath.Join(p.dir, m[3]) // {file:NAME}
	})
}

// startCommand plans the relay, writes its files and starts it.
func startCommand(ctx context.Context, cfg *relayConfig, upstream string) (*runningRelay, error) {
	p, err := plan(ctx, cfg, upstream)
	if err != nil {
		return nil, err
	}
	for name, text := range cfg.files {
		if err := os.WriteFile(filepath.Join(p.dir, name), []byte(p.render(text)), 0o600); err != nil {
			p.release()
			return nil, err
		}
	}
	line := p.render(cfg.template)

	// The process outlives the pair's context, which ends when Pair returns.
	procCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	cmd := exec.CommandContext(procCtx, "/bin/sh", "-c", "exec "+line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = bound.CloseTimeout / 2 // bounds the stderr copy if a stray child keeps it open
	if p.inherited != nil {
		cmd.ExtraFiles = []*os.File{p.inherited}
	}
	stderr := &headBuffer{max: stderrKeep}
	cmd.Stderr = stderr
	err = cmd.Start()
	if p.inherited != nil {
		p.inherited.Close() // the relay has its own copy
	}
	if err != nil {
		cancel()
		p.release()
		return nil, fmt.Errorf("relay command %q: %w", line, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	return &runningRelay{
		listen: "127.0.0.1:" + p.ports[""],
		stop: func() {
			cancel()
			<-exited
			p.release()
		},
		exited: exited,
		why: func(err error) error {
			status := "still running"
			select {
			case <-exited:
				status = fmt.Sprintf("exited: %v", waitErr)
			default:
			}
			return fmt.Errorf("%w\nrelay command: %s\nrelay %s; its stderr: %q", err, line, status, stderr.String())
		},
		retry: func(err error) bool {
			if !cfg.retry {
				return false
			}
			select {
			case <-exited:
				s := strings.ToLower(stderr.String())
				return strings.Contains(s, "address already in use") || strings.Contains(s, "eaddrinuse") || errors.Is(err, errMisrouted)
			default:
				return errors.Is(err, errMisrouted) // another relay has its client
			}
		},
	}, nil
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// headBuffer keeps the first max bytes written to it, safe for concurrent
// use; a relay's first lines say why it failed.
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *headBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p[:min(len(p), t.max-len(t.b))]...)
	return len(p), nil
}

func (t *headBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
