// Package report is streamspec's conformance matrix: a model of what every
// spec did on every transport, per-row verdicts derived from those results,
// and renderers for the terminal, Markdown, JSON and a self-contained HTML
// page. It does not import Ginkgo: suites converts a Ginkgo report into a
// Report, and cmd/streamspec-report merges the JSON of several machines.
//
// The JSON form is the stable interchange format; docs/report-schema.md
// describes it. Everything else is rendered from a Report, so a merged
// cross-OS report renders exactly like a single-machine one.
package report
