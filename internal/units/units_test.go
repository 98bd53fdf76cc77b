package units

import (
	"strings"
	"testing"
)

// Every number comes out in one form: thin no-break groups, a no-break
// space before the unit.
func TestFormats(t *testing.T) {
	nb := func(s string) string { return strings.NewReplacer("_", Group, "~", Space).Replace(s) }
	for n, want := range map[int64]string{-1: "n/a", 0: "0~B", 999: "999~B", 4264448: "4_264_448~B", 65536: "65_536~B"} {
		if got := Bytes(n); got != nb(want) {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, nb(want))
		}
	}
	for n, want := range map[int64]string{512: "512~B", 1536: "1.5~KiB", 4 << 20: "4~MiB", 4264448: "4.07~MiB", 212992: "208~KiB"} {
		if got := Short(n); got != nb(want) {
			t.Errorf("Short(%d) = %q, want %q", n, got, nb(want))
		}
	}
	if got := Digits(-1234567); got != nb("-1_234_567") {
		t.Errorf("Digits(-1234567) = %q", got)
	}
	if got := BytesRange(393216, 1441792, Short); got != nb("384~KiB")+Dash+nb("1.38~MiB") {
		t.Errorf("BytesRange = %q", got)
	}
}

// Unbreakable finds a breaking space in a number or before its unit, and
// passes every form above.
func TestUnbreakable(t *testing.T) {
	for _, s := range []string{"4 243 968 B", "blocked after 4194304 B", "16 384: 160 768", "default 0.14 ms", "cut after 2.01 s"} {
		if Unbreakable(s) {
			t.Errorf("%q passed", s)
		}
	}
	for _, s := range []string{Bytes(4243968), Short(4243968), Rate(2.39e7), Millis(0.14), "after " + Bytes(1) + " of " + Bytes(65536), "20×100" + Space + "B in 1 read"} {
		if !Unbreakable(s) {
			t.Errorf("%q failed", s)
		}
	}
}

// Bind keeps numbers in prose whole, and leaves other spaces alone.
func TestBind(t *testing.T) {
	for in, want := range map[string]string{
		"Write MUST block within 64 MiB with the reader stopped": "Write MUST block within 64" + Space + "MiB with the reader stopped",
		"read 1 048 576 B in 2 reads":                            "read 1" + Group + "048" + Group + "576" + Space + "B in 2 reads",
		"stalls 41 ms, 3 writes":                                 "stalls 41" + Space + "ms, 3 writes",
	} {
		if got := Bind(in); got != want || !Unbreakable(got) {
			t.Errorf("Bind(%q) = %q, want %q", in, got, want)
		}
	}
}
