package harness

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"
)

// TestReceivePatternLocatesMismatch proves the receiver checks every byte:
// one flipped byte anywhere is reported at its offset, whatever the read
// sizes, including 1-byte reads across the generator's 64 KiB blocks.
func TestReceivePatternLocatesMismatch(t *testing.T) {
	const total = 200_000
	var sent bytes.Buffer
	if err := SendPattern(&sent, 7, total, nil, 1000, 65536, 3); err != nil {
		t.Fatal(err)
	}
	if err := ReceivePattern(bytes.NewReader(sent.Bytes()), 7, total, nil, 4096, 1); err != nil {
		t.Fatalf("intact stream: %v", err)
	}
	for _, at := range []int{0, 65535, 65536, 131073, total - 1} {
		data := bytes.Clone(sent.Bytes())
		data[at] ^= 0x40
		for _, r := range []struct {
			name  string
			sizes []int
		}{{"64 KiB reads", nil}, {"1-byte reads", []int{1}}, {"7-byte reads", []int{7}}} {
			err := ReceivePattern(iotest.OneByteReader(bytes.NewReader(data)), 7, total, nil, r.sizes...)
			if r.sizes == nil {
				err = ReceivePattern(bytes.NewReader(data), 7, total, nil)
			}
			var m *MismatchError
			if !errors.As(err, &m) || m.Offset != int64(at) || m.Got != data[at] || m.Want != sent.Bytes()[at] {
				t.Errorf("byte %d flipped, %s: got %v", at, r.name, err)
			}
		}
	}
}
