//go:build !linux

package netns

import (
	"context"
	"net"
	"runtime"

	"github.com/streamspec/streamspec/harness"
)

var unavailable = &harness.Unavailable{Reason: "network namespaces need Linux; this is " + runtime.GOOS}

func (t *Transport) pair(context.Context) (net.Conn, net.Conn, func(), error) {
	return nil, nil, nil, unavailable
}

// Hold implements measure.NetworkPath; there is no path to hold here.
func (t *Transport) Hold(context.Context, net.Conn) (func() error, error) {
	return nil, unavailable
}

func defaultCC() string { return "" }
