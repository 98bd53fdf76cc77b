package reporttest

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/internal/units"
)

// No number in the Markdown or in the HTML page's text can wrap: its
// digit groups and unit are joined by no-break spaces, in what the specs
// wrote and in prose they did not (rules, canned fixture summaries).
func TestNumbersDoNotWrap(t *testing.T) {
	for name, rep := range map[string]*report.Report{"builtin": fixture(), "custom": customFixture()} {
		var md, page bytes.Buffer
		if err := rep.Markdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := rep.HTML(&page); err != nil {
			t.Fatal(err)
		}
		for what, text := range map[string]string{"Markdown": md.String(), "HTML": pageText(page.String())} {
			for i, l := range strings.Split(text, "\n") {
				if !units.Unbreakable(l) {
					t.Errorf("%s %s, line %d, a number can break: %q", name, what, i+1, l)
				}
			}
		}
	}
}

// The check can fail: an ASCII space in a number is caught.
func TestNumbersCheckCanFail(t *testing.T) {
	for _, s := range []string{pageText("<td>4 243 968 B</td>"), "| blocked after 65 536 B |"} {
		if units.Unbreakable(s) {
			t.Errorf("%q passed", s)
		}
	}
}

var (
	styles = regexp.MustCompile(`(?s)<style>.*?</style>`)
	tags   = regexp.MustCompile(`<[^>]*>`)
)

// pageText is a page's text: no style sheet, no tags or attributes.
func pageText(page string) string {
	return html.UnescapeString(tags.ReplaceAllString(styles.ReplaceAllString(page, ""), "\n"))
}
