package transports

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"github.com/streamspec/streamspec/harness"
)

// RelayCommand validates a relay run as a command. template is a command
// line, run as "exec template" by /bin/sh (so quoting works and the relay
// replaces the shell; set variables with env(1)), whose placeholders are
// replaced for every pair:
//
//	{listen}         127.0.0.1:PORT, a free loopback port the relay must listen on
//	{listen_port}    PORT alone
//	{upstream}       127.0.0.1:PORT of streamspec's upstream listener
//	{upstream_port}  its PORT alone
//
// For example "socat TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr
// TCP:{upstream}". The command runs in its own process group, one per pair;
// streamspec dials {listen} until it accepts (bounded by the pair's
// deadline), and kills the group and reaps the process when the pair is
// closed. A command that exits or does not accept in time fails the pair
// with its exit status and stderr. Otherwise it behaves as Relay.
func RelayCommand(name, template string) harness.Transport {
	return harness.New(name, harness.Traits{Kind: harness.KindRelay, Notes: template},
		func(ctx context.Context) (net.Conn, net.Conn, func(), error) {
			return relayPair(ctx, func(upstream string) (*runningRelay, error) {
				return startCommand(ctx, template, upstream)
			})
		})
}

// stderrKeep is how much of a relay's stderr an error quotes.
const stderrKeep = 2 << 10

// startCommand picks a free port for {listen} and starts template.
func startCommand(ctx context.Context, template, upstream string) (*runningRelay, error) {
	listen, err := freePort(ctx)
	if err != nil {
		return nil, err
	}
	_, lport, _ := net.SplitHostPort(listen)
	_, uport, _ := net.SplitHostPort(upstream)
	line := strings.NewReplacer("{listen}", listen, "{listen_port}", lport,
		"{upstream}", upstream, "{upstream_port}", uport).Replace(template)

	// The process outlives the pair's context, which ends when Pair returns.
	procCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	cmd := exec.CommandContext(procCtx, "/bin/sh", "-c", "exec "+line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = harness.CloseTimeout / 2 // bounds the stderr copy if a stray child keeps it open
	stderr := &headBuffer{max: stderrKeep}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("relay command %q: %w", line, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	return &runningRelay{
		listen: listen,
		stop:   func() { cancel(); <-exited },
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
	}, nil
}

// freePort returns a loopback address that had no listener a moment ago.
// Another process could take the port before the relay binds it; the pair
// then fails with the relay's error rather than connecting elsewhere
// unnoticed, since B must come from streamspec's own upstream listener.
func freePort(ctx context.Context) (string, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
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
