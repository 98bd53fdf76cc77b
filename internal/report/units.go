package report

import (
	"fmt"
	"strconv"
	"strings"
)

// Bytes formats n with thin groups, e.g. "4 264 448 B"; negative counts
// are ones the platform could not report.
func Bytes(n int64) string {
	if n < 0 {
		return "n/a"
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String() + " B"
}

// Short formats n in binary units with three significant digits, for axes
// and bar labels: "4.07 MiB", "512 KiB".
func Short(n int64) string {
	f, units := float64(n), []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for ; f >= 1024 && i < len(units)-1; i++ {
		f /= 1024
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
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
	return s + " " + units[i]
}
