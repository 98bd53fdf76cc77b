package pattern

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

// TestPatternCatchesWholeBlocks proves the pattern's blocks all differ: a
// stream that lost, repeated or swapped a whole 64 KiB block (the period of
// the pattern's random base) is caught at the block's first byte, and so
// are streams of another seed.
func TestPatternCatchesWholeBlocks(t *testing.T) {
	const block, blocks = 64 << 10, 8
	var sent bytes.Buffer
	if err := SendPattern(&sent, 9, block*blocks, nil); err != nil {
		t.Fatal(err)
	}
	b := sent.Bytes()
	for _, c := range []struct {
		name string
		data []byte
		at   int64
	}{
		{"block 2 lost", bytes.Join([][]byte{b[:2*block], b[3*block:]}, nil), 2 * block},
		{"block 2 repeated", bytes.Join([][]byte{b[:3*block], b[2*block:]}, nil), 3 * block},
		{"blocks 2, 3 swapped", bytes.Join([][]byte{b[:2*block], b[3*block : 4*block], b[2*block : 3*block], b[4*block:]}, nil), 2 * block},
	} {
		var m *MismatchError
		if err := ReceivePattern(bytes.NewReader(c.data), 9, int64(len(c.data)), nil); !errors.As(err, &m) || m.Offset != c.at {
			t.Errorf("%s: %v, want a mismatch at byte %d", c.name, err, c.at)
		}
	}
	if err := ReceivePattern(bytes.NewReader(b), 10, int64(len(b)), nil); err == nil {
		t.Error("seed 10 accepted seed 9's stream")
	}
}
