package transports_test

import (
	"github.com/streamspec/streamspec/transports"
)

// A relay written in Go: a RelayFunc starts it for the upstream streamspec
// gives and returns where to dial it and how to stop it (goRelay, in
// relay_selftest_test.go, is a complete io.Copy relay). In a test:
// suites.Run(t, transports.Relay("copy-relay", goRelay(copyHalfClose))).
func ExampleRelay() {
	_ = transports.Relay("copy-relay", goRelay(copyHalfClose))
}

// A relay run as a command: streamspec fills in the placeholders for each
// pair, starts it, waits until it accepts and kills it afterwards.
func ExampleRelayCommand() {
	_ = transports.RelayCommand("socat-64k",
		"socat -b 65536 TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr TCP:{upstream}")
}
