package reporttest

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/expect"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/internal/units"
)

// A fixed Ginkgo report for the report's golden and browser tests: every
// kind of cell, derived verdict and entry, and the things a report must
// ignore. Its catalogue is its own, so the golden files do not change
// when the real one does.

var fixtureCatalogue = []catalogue.Behaviour{
	{ID: "integrity", Area: "integrity", Class: catalogue.Contract, Rule: "bytes MUST arrive intact and in order"},
	{ID: "backpressure", Area: "blocking", Class: catalogue.Contract, Rule: "Write MUST block within 64 MiB with the reader stopped"},
	{ID: "capacity", Area: "blocking", Class: catalogue.Observed, Rule: "bytes accepted before Write blocks, and where they are"},
	{ID: "half-close", Area: "close", Class: catalogue.Contract, Needs: []harness.Ability{harness.CloseWrite}, Rule: "after CloseWrite the peer MUST read everything, then io.EOF"},
	{ID: "close-unblocks", Area: "close", Class: catalogue.Contract, Needs: []harness.Ability{harness.FullClose}, Rule: "Close MUST unblock a pending Read"},
	{ID: "close-with-unread-data", Area: "close", Class: catalogue.Observed, Rule: "what the peer sees when the reader closes with unread data"},
	{ID: "close-read", Area: "close", Class: catalogue.Observed, Needs: []harness.Ability{harness.CloseRead}, Rule: "what the peer's writes do after CloseRead"},
	{ID: "write-deadline", Area: "deadlines", Class: catalogue.Contract, Needs: []harness.Ability{harness.WriteDeadline}, Rule: "a blocked Write MUST fail once its deadline passes"},
	{ID: "nagle-delayed-ack", Area: "latency", Class: catalogue.Observed, Needs: []harness.Ability{harness.NoDelay}, Rule: "write-write-read latency with Nagle on"},
	{ID: "never-run", Area: "latency", Class: catalogue.Observed, Rule: "a behaviour no spec ran: no row"},
}

var fixtureTransports = []report.PairInfo{
	{Transport: "tcp4", Kind: harness.KindTCP, Abilities: []harness.Ability{harness.CloseWrite, harness.CloseRead, harness.NoDelay, harness.FullClose}, Notes: "127.0.0.1"},
	{Transport: "tcp6", Kind: harness.KindTCP},
	{Transport: "unix", Kind: harness.KindUnix, Abilities: []harness.Ability{harness.CloseWrite, harness.CloseRead, harness.FullClose}},
	{Transport: "unix-socketpair", Kind: harness.KindUnix, Abilities: []harness.Ability{harness.CloseWrite, harness.CloseRead, harness.FullClose}},
	{Transport: "os-pipe", Kind: harness.KindPipe, Abilities: []harness.Ability{harness.CloseWrite, harness.CloseRead, harness.FullClose}},
	{Transport: "net-pipe", Kind: harness.KindMemory, Abilities: []harness.Ability{harness.FullClose}},
	{Transport: "tls", Kind: harness.KindTLS, Abilities: []harness.Ability{harness.CloseWrite, harness.FullClose}},
	{Transport: "my-mux", Kind: harness.KindCustom, Abilities: []harness.Ability{harness.FullClose}, Notes: "a user's transport"},
}

var fixtureEnv = report.Environment{ID: "linux", OS: "linux", OSVersion: "Debian GNU/Linux 12 (bookworm)", KernelRelease: "6.1.0-test",
	Arch: "amd64", GoVersion: "go1.26.8", CPUs: 2, Date: "2026-01-02T03:04:05Z", Suite: "streamspec", Parallel: 2}

// fixtureOrder is the declaration order; my-mux was declared elsewhere.
var fixtureOrder = []string{"tcp4", "tcp6", "unix", "unix-socketpair", "os-pipe", "net-pipe", "tls"}

func fixtureReport() types.Report {
	var specs []types.SpecReport
	add := func(transport, behaviour string, state types.SpecState, msg string, entries ...types.ReportEntry) {
		specs = append(specs, fixtureSpec(transport, behaviour, state, msg, entries...))
	}
	pass, fail, skip := types.SpecStatePassed, types.SpecStateFailed, types.SpecStateSkipped
	observe := func(summary string, values map[string]any) types.ReportEntry {
		return fixtureEntry(report.EntryObservation, report.Observation{Summary: summary, Values: values}, len(specs)%2 == 0)
	}
	for _, t := range fixtureTransports {
		name := t.Transport
		if name == "tcp6" { // no IPv6 here: every spec says so
			for _, b := range fixtureCatalogue[:len(fixtureCatalogue)-1] {
				add(name, b.ID, skip, report.UnavailablePrefix+"no IPv6 loopback: listen tcp6 [::1]:0: bind: cannot assign requested address")
			}
			continue
		}
		add(name, "integrity", pass, "")
		accepted := map[string]int64{"tcp4": 4194304, "unix": 212992, "unix-socketpair": 212992, "os-pipe": 65536, "tls": 4128768, "my-mux": 1 << 20}[name]
		add(name, "backpressure", pass, "", observe("blocked after "+units.Bytes(accepted), map[string]any{"accepted_bytes": accepted}))
		add(name, "capacity", pass, "", append(fixtureCapacity(name, len(specs)%2 == 0), observe(units.Short(accepted), nil))...)
		switch name {
		case "net-pipe":
			add(name, "half-close", skip, report.UnsupportedPrefix+"net-pipe lacks close-write")
		default:
			add(name, "half-close", pass, "")
		}
		if name == "my-mux" {
			add(name, "close-unblocks", types.SpecStateTimedout, "A spec timeout occurred\nand more detail")
		} else {
			add(name, "close-unblocks", pass, "")
		}
		unread := map[string]string{"os-pipe": "EPIPE", "net-pipe": "EOF"}[name]
		if unread == "" {
			unread = "ECONNRESET after " + units.Bytes(10)
		}
		if name == "my-mux" {
			add(name, "close-with-unread-data", skip, report.UnsupportedPrefix+"my-mux lacks descriptor")
		} else {
			add(name, "close-with-unread-data", pass, "", observe(unread, map[string]any{"read_before_error": 10}))
		}
		switch name {
		case "tcp4": // differs from an inferred expectation: recorded, passed
			add(name, "close-read", pass, "", observe("peer writes succeed", nil), fixtureEntry(expect.EntryCheck,
				expect.NewCheck("close-read", name, "linux", "", "peer writes succeed", []string{"peer gets EPIPE", "peer gets ECONNRESET"},
					expect.FromSource("net/ipv4/tcp.c tcp_shutdown")), len(specs)%2 == 0))
		case "unix", "unix-socketpair", "os-pipe": // as measured
			add(name, "close-read", pass, "", observe("peer gets EPIPE", map[string]any{"error": "write: broken pipe"}), fixtureEntry(expect.EntryCheck,
				expect.NewCheck("close-read", name, "linux", "", "peer gets EPIPE", []string{"peer gets EPIPE"},
					expect.Seen("Linux 6.1.0", "go1.26.8", "2026-01-01", "net/unix/af_unix.c unix_shutdown")), len(specs)%2 == 1))
		default:
			add(name, "close-read", skip, report.UnsupportedPrefix+name+" lacks close-read")
		}
		switch name {
		case "tcp4", "unix", "unix-socketpair":
			add(name, "write-deadline", pass, "")
		default:
			add(name, "write-deadline", fail, "Write past its deadline: error \"io: read/write on closed pipe\" | is not a net.Error\nExpected\n    <bool>: false")
		}
		if name == "tcp4" {
			add(name, "nagle-delayed-ack", pass, "", observe("stalls "+units.Millis(41), map[string]any{"median_ms": 41.2, "samples": 15}))
		} else {
			add(name, "nagle-delayed-ack", skip, report.UnsupportedPrefix+name+" lacks no-delay")
		}
	}
	add("my-mux", "user-extra", pass, "") // a spec the catalogue does not know
	ignored := fixtureSpec("tcp4", "filtered out by a label filter", skip, "")
	other := fixtureSpec("tcp4", "a user's own spec", pass, "")
	other.ContainerHierarchyLabels = [][]string{{"mine"}}
	suiteNode := types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: pass}
	pending := fixtureSpec("tls", "integrity", types.SpecStatePending, "")
	specs = append(specs, ignored, other, suiteNode, pending)
	return types.Report{SuitePath: "/src/streamspec/suites", SuiteDescription: "streamspec", SpecReports: specs,
		StartTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func fixtureSpec(transport, behaviour string, state types.SpecState, msg string, entries ...types.ReportEntry) types.SpecReport {
	sr := types.SpecReport{
		ContainerHierarchyTexts:  []string{"conformance", transport},
		ContainerHierarchyLabels: [][]string{{}, {"transport:" + transport}},
		LeafNodeType:             types.NodeTypeIt, LeafNodeText: behaviour, State: state,
		RunTime: time.Duration(len(behaviour)*len(transport)) * 123 * time.Microsecond,
	}
	if msg != "" {
		sr.Failure = types.Failure{Message: msg, Location: types.CodeLocation{FileName: "/src/streamspec/suites/contract_" + behaviour + ".go", LineNumber: 42}}
	}
	if state == types.SpecStatePassed || state.Is(types.SpecStateFailureStates) {
		for _, t := range fixtureTransports {
			if t.Transport == transport {
				sr.ReportEntries = append(sr.ReportEntries, fixtureEntry(report.EntryPair, t, len(behaviour)%2 == 0))
			}
		}
	}
	sr.ReportEntries = append(sr.ReportEntries, entries...)
	return sr
}

// fixtureEntry makes an entry as a serial run has it (the raw value) or as
// a parallel run does (only the JSON).
func fixtureEntry(name string, v any, parallel bool) types.ReportEntry {
	e := types.ReportEntry{Name: name, Value: types.WrapEntryValue(v)}
	if parallel {
		data, err := json.Marshal(e.Value)
		if err != nil {
			panic(err)
		}
		e.Value = types.ReportEntryValue{}
		if err := json.Unmarshal(data, &e.Value); err != nil {
			panic(err)
		}
	}
	return e
}

func fixtureCapacity(transport string, parallel bool) []types.ReportEntry {
	var c measure.Capacity
	var knob string
	switch transport {
	case "tcp4":
		c = measure.Capacity{AcceptedBytes: 4194304, SenderQueuedBytes: 2621440, SenderUnsentBytes: 1572864, InFlightBytes: 1048576,
			ReceiverQueuedBytes: 1572864, SoSndbuf: 2626560, SoRcvbuf: 131072, PipeSize: -1, Method: "nonblocking-syscall", Conserved: true, SettleMillis: 100,
			Kind: harness.KindTCP}
		knob = "so_sndbuf"
	case "unix", "unix-socketpair":
		c = measure.Capacity{AcceptedBytes: 212992, SenderQueuedBytes: 218112, SenderUnsentBytes: -1, InFlightBytes: -1, ReceiverQueuedBytes: 212992,
			SoSndbuf: 212992, SoRcvbuf: 212992, PipeSize: -1, Method: "nonblocking-syscall", Notes: "SIOCOUTQ counts truesize", Kind: harness.KindUnix}
		knob = "so_sndbuf"
	case "os-pipe":
		c = measure.Capacity{AcceptedBytes: 65536, SenderQueuedBytes: -1, SenderUnsentBytes: -1, InFlightBytes: -1, ReceiverQueuedBytes: 65536,
			SoSndbuf: -1, SoRcvbuf: -1, PipeSize: 65536, Method: "nonblocking-syscall", Conserved: true, Kind: harness.KindPipe}
		knob = "pipe_size"
	default:
		return nil
	}
	c.Transport = transport
	s := measure.Sweep{Transport: transport, Knob: knob}
	for i, setting := range []int64{4096, 16384, 65536, 262144, 1048576} {
		s.Points = append(s.Points, measure.SweepPoint{Setting: setting, AcceptedBytes: setting * int64(2+i%2)})
	}
	return []types.ReportEntry{fixtureEntry(measure.EntryCapacity, c, parallel), fixtureEntry(measure.EntrySweep, s, !parallel)}
}

// customFixture is the fixture's custom transport alone: a run of a
// user's transport, shown beside the reference columns shipped for Linux.
func customFixture() *report.Report {
	r := fixtureReport()
	r.SpecReports = slices.DeleteFunc(r.SpecReports, func(s types.SpecReport) bool {
		return len(s.ContainerHierarchyTexts) > 1 && s.ContainerHierarchyTexts[1] != "my-mux"
	})
	rep := report.FromGinkgo(r, fixtureCatalogue, nil, fixtureEnv)
	rep.AttachReference()
	return rep
}
