// Package units formats the numbers streamspec shows: one form in every
// message, summary and rendering (text, Markdown, HTML), that never wraps.
package units

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Joiners: digit groups are joined by a narrow no-break space (U+202F),
// a number and its unit by a no-break space (U+00A0), so no renderer
// breaks a line inside a number.
const (
	Group = "\u202f"
	Space = "\u00a0"
	// Dash joins the ends of a range; word joiners (U+2060) keep a line
	// from breaking at it.
	Dash = "\u2060–\u2060"
)

// Digits formats n with groups of three digits: "4 264 448".
func Digits(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(Group)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Bytes formats a byte count to the byte: "4 264 448 B". A negative count
// is one the platform could not report: "n/a".
func Bytes(n int64) string {
	if n < 0 {
		return "n/a"
	}
	return Digits(n) + Space + "B"
}

// Short formats n in binary units with three significant digits, for axes,
// bars and dense cells: "4.07 MiB", "512 KiB", "900 B".
func Short(n int64) string {
	if n < 0 {
		return "n/a"
	}
	f, names := float64(n), []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for ; f >= 1024 && i < len(names)-1; i++ {
		f /= 1024
	}
	if i == 0 {
		return Digits(n) + Space + "B"
	}
	digits := 2
	if f >= 100 {
		digits = 0
	} else if f >= 10 {
		digits = 1
	}
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + Space + names[i]
}

// BytesRange formats the range of byte counts lo to hi with format (Bytes
// or Short), a single value when they are equal.
func BytesRange(lo, hi int64, format func(int64) string) string {
	if lo == hi {
		return format(lo)
	}
	return format(lo) + Dash + format(hi)
}

// Count formats n with its noun, unbreakably: "3 pairs", "1 pair".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1" + Space + one
	}
	return Digits(int64(n)) + Space + many
}

// Rate formats bytes a second for messages and reports.
func Rate(bytesPerSec float64) string {
	switch {
	case bytesPerSec >= 1e9:
		return fmt.Sprintf("%.1f%sGB/s", bytesPerSec/1e9, Space)
	case bytesPerSec >= 1e6:
		return fmt.Sprintf("%.1f%sMB/s", bytesPerSec/1e6, Space)
	default:
		return fmt.Sprintf("%.0f%skB/s", bytesPerSec/1e3, Space)
	}
}

// Millis formats a duration in milliseconds: "0.14 ms", "44 ms".
func Millis(ms float64) string {
	if ms < 10 {
		return fmt.Sprintf("%.2f%sms", ms, Space)
	}
	return fmt.Sprintf("%.0f%sms", ms, Space)
}

// Unbreakable reports whether s has no space a renderer may break a line
// at inside a number: no ASCII space between two digits, or between a
// digit and a unit. Tests use it on every rendering.
func Unbreakable(s string) bool { return breakInNumber.FindStringIndex(s) == nil }

// breakInNumber is a breaking space inside a number or before its unit.
var (
	breakInNumber = regexp.MustCompile(`\d[ \t\n]+(\d|(B|KiB|MiB|GiB|kB/s|MB/s|GB/s|ms|s|µs)\b)`)
	spaceInNumber = regexp.MustCompile(`\d (\d{3}\b|(B|KiB|MiB|GiB|kB/s|MB/s|GB/s|ms|s|µs)\b)`)
)

// Bind joins, in text written elsewhere (a rule, a library's error), the
// digit groups of a number and the number and its unit with no-break
// spaces: "within 64 MiB" keeps "64 MiB" on one line.
func Bind(s string) string {
	for { // matches do not overlap: "1 048 576" takes two passes
		t := spaceInNumber.ReplaceAllStringFunc(s, func(m string) string {
			if m[2] >= '0' && m[2] <= '9' {
				return strings.Replace(m, " ", Group, 1)
			}
			return strings.Replace(m, " ", Space, 1)
		})
		if t == s {
			return s
		}
		s = t
	}
}
