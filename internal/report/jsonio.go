package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSON writes the report in its stable JSON form (docs/report-schema.md).
func (r *Report) JSON(w io.Writer) error {
	c := *r
	for _, s := range []any{&c.Environments, &c.Behaviours, &c.Transports, &c.Results, &c.Capacities, &c.Sweeps, &c.Rows} {
		nonNil(s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&c)
}

// nonNil makes an empty slice encode as [] rather than null.
func nonNil(p any) {
	switch s := p.(type) {
	case *[]Environment:
		*s = nonNilSlice(*s)
	case *[]Behaviour:
		*s = nonNilSlice(*s)
	case *[]Transport:
		*s = nonNilSlice(*s)
	case *[]Result:
		*s = nonNilSlice(*s)
	case *[]Capacity:
		*s = nonNilSlice(*s)
	case *[]Sweep:
		*s = nonNilSlice(*s)
	case *[]Row:
		*s = nonNilSlice(*s)
	}
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Read decodes a report written by JSON, keeping numbers exact.
func Read(rd io.Reader) (*Report, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := Decode(data, &r); err != nil {
		return nil, err
	}
	if r.Generator != "streamspec" {
		return nil, fmt.Errorf("not a streamspec report (generator %q)", r.Generator)
	}
	if r.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("report schema version %d is newer than this reader's %d", r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}

// Decode unmarshals JSON into v with numbers as json.Number, so counts
// above 2^53 survive a round trip through map[string]any.
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}
