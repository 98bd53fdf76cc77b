package expect

import (
	"slices"
	"strings"

	"github.com/streamspec/streamspec/harness"
)

// Departure is a contract rule a built-in transport breaks on an OS, as
// measured: its spec fails there, and the failure is the finding. The
// matrix shows the failure; suites.Run does not fail the run for it. A
// departure that no longer happens (the spec passes) fails the spec, so
// the table stays true.
type Departure struct {
	Behaviour string // a contract behaviour's ID
	Transport string // a built-in transport
	OS        string
	Seen      []string // texts of the spec's failure messages that identify this departure, any one of them
	Provenance
}

// departures is the table. Only measured rows: a rule broken on an OS
// nobody ran must not be waved through.
var departures = []Departure{
	{Behaviour: "write-to-closed-peer", Transport: "mptcp", OS: "linux", Seen: []string{"A.Write to a closed peer hung", "Writes to a closed peer succeeded over"},
		Provenance: linuxOn("2026-12-07", "the closed end sends a DATA_FIN, not a reset, and keeps its subflows open to ack what still arrives "+
			"(net/mptcp/protocol.c __mptcp_close: \"allow data_ready to push incoming data into the mptcp stack, to properly ack it\"), "+
			"where TCP answers data for a closed socket with RST (net/ipv4/tcp_input.c tcp_rcv_state_process, LINUX_MIB_TCPABORTONDATA); "+
			"only the close timeout ends it (mptcp_worker: mptcp_close_tout_expired, net.mptcp.close_timeout 60 s, then mptcp_do_fastclose): "+
			"the writer's Writes succeed for its buffers (3 850 630 B in 0.45 s), then block 60.6 s, then fail with EPIPE; "+
			"on a loaded machine the spec's 2 s of Writes may end before the buffers fill (188 850 Writes of 14 B succeeded under 4 busy threads a core)")},
}

// Departures returns the table, for reports and the table's own tests.
func Departures() []Departure { return slices.Clone(departures) }

// DepartureFor returns the departure of behaviour on transport (a
// built-in kind) on goos; a failure is it when its message contains Seen.
func DepartureFor(behaviour, transport string, kind harness.Kind, goos string) (Departure, bool) {
	if OnlyRecorded(kind) {
		return Departure{}, false
	}
	i := slices.IndexFunc(departures, func(d Departure) bool {
		return d.Behaviour == behaviour && d.Transport == transport && d.OS == goos && d.Basis == Measured
	})
	if i < 0 {
		return Departure{}, false
	}
	return departures[i], true
}

// Explains reports whether d is the failure whose message is message.
func (d Departure) Explains(message string) bool {
	return slices.ContainsFunc(d.Seen, func(s string) bool { return strings.Contains(message, s) })
}
