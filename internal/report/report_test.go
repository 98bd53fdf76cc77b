package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// cells builds a one-environment report; each cell is "pass", "fail",
// "unsupported", "unavailable" or an observed value (a pass).
func cells(env, class string, kinds map[string]string, row map[string]string) *Report {
	r := New(Environment{ID: env, OS: env, Arch: "amd64"})
	r.AddBehaviour(Behaviour{ID: "b", Area: "a", Class: class})
	for _, name := range []string{"tcp4", "tcp6", "unix", "unix-socketpair", "os-pipe", "net-pipe", "tls", "my-mux"} {
		v, ok := row[name]
		if !ok {
			continue
		}
		r.AddTransport(Transport{Name: name, Env: env, Kind: kinds[name]})
		res := Result{Behaviour: "b", Transport: name, Env: env, Verdict: Verdict(v)}
		switch v {
		case "pass", "fail", "unsupported", "unavailable":
		default:
			res.Verdict, res.Summary = Pass, v
		}
		r.AddResult(res)
	}
	r.Derive()
	return r
}

var kinds = map[string]string{"tcp4": "tcp", "tcp6": "tcp", "unix": "unix", "unix-socketpair": "unix", "os-pipe": "pipe",
	"net-pipe": "memory", "tls": "tls", "my-mux": "custom"}

func TestRowVerdicts(t *testing.T) {
	all := func(v string) map[string]string {
		m := map[string]string{}
		for k := range kinds {
			m[k] = v
		}
		return m
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, c := range []struct {
		class string
		row   map[string]string
		want  string
		state RowStatus
	}{
		{"contract", all("pass"), "holds on every transport tested", Holds},
		{"contract", all("fail"), "fails on every transport tested", Fails},
		{"contract", with(all("pass"), "unix", "fail", "unix-socketpair", "fail"), "fails on Unix sockets", Fails},
		{"contract", with(all("fail"), "tcp4", "pass", "tcp6", "pass"), "holds on TCP only", Fails},
		{"contract", with(all("fail"), "tcp4", "pass", "tcp6", "pass", "unix", "pass", "unix-socketpair", "pass", "os-pipe", "pass"),
			"holds on kernel transports only", Fails},
		{"contract", with(all("pass"), "tls", "fail", "my-mux", "fail"), "fails on tls, my-mux", Fails},
		{"contract", map[string]string{"tcp4": "pass", "my-mux": "fail"}, "fails on my-mux", Fails},
		{"contract", all("unsupported"), "unsupported on every transport", NotTested},
		{"contract", all("unavailable"), "not tested", NotTested},
		{"observed", all("EOF"), "same on every transport tested: EOF", Holds},
		{"observed", with(all("unsupported"), "tcp4", "41 ms", "tcp6", "40 ms"), "differs: tcp4 vs tcp6", Differs},
		{"observed", with(all("unsupported"), "tcp4", "stall", "tcp6", "stall"), "TCP only", Holds},
		{"observed", with(all("unsupported"), "tcp4", "x", "tcp6", "x", "unix", "x", "unix-socketpair", "x"), "kernel sockets only", Holds},
		{"observed", with(all("EOF"), "tcp4", "RST", "tcp6", "RST"), "differs: TCP (tcp4, tcp6) vs unix, unix-socketpair, os-pipe, net-pipe, tls, my-mux", Differs},
		{"observed", map[string]string{"tcp4": "1", "unix": "2", "os-pipe": "3"}, "differs on every transport tested", Differs},
		{"", map[string]string{"my-mux": "pass"}, "holds on my-mux, the only transport tested", Holds},
		{"observed", map[string]string{"tcp4": "pass", "tcp6": "unavailable"}, "holds on tcp4, the only transport tested", Holds},
	} {
		row := cells("linux", c.class, kinds, c.row).Rows[0]
		if row.Verdict != c.want || row.Status != c.state {
			t.Errorf("%s %v: got %q (%s), want %q (%s)", c.class, c.row, row.Verdict, row.Status, c.want, c.state)
		}
	}
}

func TestMergeAcrossOS(t *testing.T) {
	linux := cells("linux", "observed", kinds, map[string]string{"tcp4": "ECONNRESET", "unix": "ECONNRESET", "os-pipe": "EPIPE"})
	darwin := cells("darwin", "observed", kinds, map[string]string{"tcp4": "ECONNRESET", "unix": "EOF", "os-pipe": "EPIPE"})
	m, err := Merge(linux, darwin)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, c := range m.Columns() {
		labels = append(labels, m.Label(c))
	}
	if want := "tcp4@linux tcp4@darwin unix@linux unix@darwin os-pipe@linux os-pipe@darwin"; strings.Join(labels, " ") != want {
		t.Errorf("columns %v, want %s", labels, want)
	}
	want := "differs by OS: linux: differs: kernel sockets (tcp4, unix) vs os-pipe; darwin: differs on every transport tested"
	if got := m.Rows[0]; got.Verdict != want || got.Status != DiffersByOS {
		t.Errorf("row %+v, want %q", got, want)
	}

	// Agreeing environments collapse to one statement over transports.
	darwin = cells("darwin", "observed", kinds, map[string]string{"tcp4": "ECONNRESET", "unix": "ECONNRESET", "os-pipe": "EPIPE", "net-pipe": "unsupported"})
	m, _ = Merge(linux, darwin)
	if got := m.Rows[0].Verdict; got != "differs: kernel sockets (tcp4, unix) vs os-pipe" {
		t.Errorf("agreeing environments: %q", got)
	}
	if got := m.Rows[0].Untested; got != "unsupported on net-pipe@darwin" {
		t.Errorf("untested %q", got)
	}

	// Two machines of one OS keep apart.
	arm := cells("linux", "observed", kinds, map[string]string{"tcp4": "ECONNRESET"})
	arm.Environments[0].Arch = "arm64"
	m, _ = Merge(linux, arm, linux)
	var ids []string
	for _, e := range m.Environments {
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, " ") != "linux linux-arm64 linux-amd64" {
		t.Errorf("environment IDs %v", ids)
	}
	if _, err := Merge(); err == nil {
		t.Error("merging nothing succeeded")
	}
}

// The JSON form reads back to the same report.
func TestJSONRoundTrip(t *testing.T) {
	r := cells("linux", "observed", kinds, map[string]string{"tcp4": "ECONNRESET", "unix": "unsupported"})
	r.Results[0].Values = map[string]any{"big": int64(1) << 60}
	r.AddCapacity(Capacity{Behaviour: "b", Env: "linux"})
	var buf bytes.Buffer
	if err := r.JSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.JSON(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != buf.String() {
		t.Errorf("round trip changed the JSON:\n%s\n%s", buf.String(), again.String())
	}
	if !strings.Contains(buf.String(), `"big": 1152921504606846976`) {
		t.Error("a 64-bit value lost precision")
	}
	if _, err := Read(strings.NewReader(`{"schema_version": 99, "generator": "streamspec"}`)); err == nil {
		t.Error("a newer schema was accepted")
	}
	if _, err := Read(strings.NewReader(`{"schema_version": 1}`)); err == nil {
		t.Error("a file that is not a streamspec report was accepted")
	}
	if !reflect.DeepEqual(back.Rows, r.Rows) {
		t.Errorf("rows %+v, want %+v", back.Rows, r.Rows)
	}
}

func TestWrap(t *testing.T) {
	if got := wrap("aaaa bb cccccccccc d", 5); strings.Join(got, "|") != "aaaa|bb|ccccc|ccccc|d" {
		t.Errorf("wrap: %q", got)
	}
}

// A failure that recorded the setting governing it shows it under the
// failure in the terminal report; one without shows nothing more.
func TestTextFailureSetting(t *testing.T) {
	r := New(Environment{ID: "linux", OS: "linux", Arch: "amd64"})
	r.AddBehaviour(Behaviour{ID: "half-close-reply-after-silence", Area: "close", Class: "contract"})
	r.AddBehaviour(Behaviour{ID: "half-close", Area: "close", Class: "contract"})
	r.AddTransport(Transport{Name: "proxy", Env: "linux", Kind: "relay"})
	r.AddResult(Result{Behaviour: "half-close-reply-after-silence", Transport: "proxy", Env: "linux", Verdict: Fail,
		Reason: "the reply was lost", Values: map[string]any{"setting": "haproxy: `timeout server-fin` governs this"}})
	r.AddResult(Result{Behaviour: "half-close", Transport: "proxy", Env: "linux", Verdict: Fail, Reason: "stream ended"})
	r.Derive()
	var b bytes.Buffer
	if err := r.Text(&b, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "half-close-reply-after-silence on proxy: the reply was lost\n    setting: haproxy: `timeout server-fin` governs this\n") {
		t.Errorf("no setting under the failure:\n%s", out)
	}
	if strings.Count(out, "setting:") != 1 {
		t.Errorf("a setting where none was recorded:\n%s", out)
	}
}
