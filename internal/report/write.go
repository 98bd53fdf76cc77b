package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Files are the names WriteFiles writes in its directory.
var Files = []string{"conformance.txt", "conformance.md", "conformance.json", "conformance.html"}

// WriteFiles writes the plain-text matrix, Markdown, JSON and HTML into
// dir, creating it. Each file is written whole and renamed into place, so
// a reader never sees half a report.
func (r *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	render := []func(io.Writer) error{
		func(w io.Writer) error { return r.Text(w, TextOptions{}) },
		r.Markdown,
		r.JSON,
		r.HTML,
	}
	for i, f := range render {
		var buf bytes.Buffer
		if err := f(&buf); err != nil {
			return fmt.Errorf("rendering %s: %w", Files[i], err)
		}
		if err := writeAtomic(filepath.Join(dir, Files[i]), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
