package units

import (
	"fmt"
	"strings"
)

// Bytes formats n with thin groups of three digits: "4 264 448".
func Digits(n int64) string {
	s := fmt.Sprint(max(n, -n))
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Rate formats bytes a second for messages and reports.
func Rate(bytesPerSec float64) string {
	switch {
	case bytesPerSec >= 1e9:
		return fmt.Sprintf("%.1f GB/s", bytesPerSec/1e9)
	case bytesPerSec >= 1e6:
		return fmt.Sprintf("%.1f MB/s", bytesPerSec/1e6)
	default:
		return fmt.Sprintf("%.0f kB/s", bytesPerSec/1e3)
	}
}
