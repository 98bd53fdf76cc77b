// Package reporttest tests the conformance report end to end: golden
// Markdown, JSON and text from a fixed Ginkgo report, and the HTML page in
// headless Chromium. It is apart from suites so that ginkgo run ./suites
// runs specs only.
package reporttest
