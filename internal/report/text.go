package report

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/streamspec/streamspec/internal/units"
)

// TextOptions shape the terminal matrix.
type TextOptions struct {
	Width int  // columns; 100 when zero
	Color bool // ANSI colours: only for a terminal
}

// Symbols of the terminal matrix; observed values get letters per row.
const (
	symPass        = "✓"
	symFail        = "✗"
	symUnsupported = "-"
	symUnavailable = "n/a"
	symSkipped     = "s"
	symUnexpected  = "!" // after a cell's mark
)

const (
	ansiGreen  = "32"
	ansiRed    = "31"
	ansiYellow = "33"
	ansiCyan   = "36"
	ansiMag    = "35"
	ansiDim    = "2"
	ansiBold   = "1"
)

// Text writes the compact matrix: one line per behaviour, one narrow
// column per transport, the derived verdict at the end, and below it the
// observed values, failures and capacities.
func (r *Report) Text(w io.Writer, opt TextOptions) error {
	t := &textWriter{r: r, width: opt.Width, color: opt.Color}
	if t.width <= 0 {
		t.width = 100
	}
	t.layout()
	t.header()
	for _, block := range t.blocks {
		t.matrix(block)
	}
	if !t.inline {
		t.verdicts()
	}
	t.failures()
	t.unexpected()
	t.capacities()
	_, err := io.WriteString(w, t.b.String())
	return err
}

type textWriter struct {
	r      *Report
	width  int
	color  bool
	b      strings.Builder
	cols   []Transport
	heads  []string // column headings: names when short, else numbers
	keyed  bool     // headings are numbers, explained by a key line
	nameW  int      // behaviour column
	colW   int
	blocks [][]int // column indexes per block of the matrix
	inline bool    // verdicts fit at the end of the rows
}

func (t *textWriter) paint(code, s string) string {
	if !t.color || code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t *textWriter) line(s string) { t.b.WriteString(strings.TrimRight(s, " ") + "\n") }

// pad pads s, which may contain colour codes, to n visible runes.
func pad(s string, visible, n int) string { return s + strings.Repeat(" ", max(0, n-visible)) }

func (t *textWriter) layout() {
	t.cols = t.r.Shown()
	t.colW = 4 // "n/a" and a space
	for _, c := range t.cols {
		t.heads = append(t.heads, t.r.Label(c))
		if utf8.RuneCountInString(t.r.Label(c)) > 6 {
			t.keyed = true
		}
	}
	if t.keyed {
		for i := range t.heads {
			t.heads[i] = strconv.Itoa(i + 1)
		}
	}
	for _, h := range t.heads {
		t.colW = max(t.colW, utf8.RuneCountInString(h)+1)
	}
	t.nameW = 12
	for _, b := range t.r.Behaviours {
		t.nameW = max(t.nameW, utf8.RuneCountInString(b.ID)+3)
	}
	t.nameW = min(t.nameW, 30)
	perBlock := max(1, (t.width-t.nameW)/t.colW)
	for i := 0; i < len(t.cols); i += perBlock {
		var block []int
		for j := i; j < min(i+perBlock, len(t.cols)); j++ {
			block = append(block, j)
		}
		t.blocks = append(t.blocks, block)
	}
	if len(t.blocks) == 0 {
		t.blocks = [][]int{nil}
	}
	t.inline = len(t.blocks) == 1 && t.width-t.nameW-len(t.cols)*t.colW >= 24
}

func (t *textWriter) header() {
	t.line(t.paint(ansiBold, "streamspec conformance matrix"))
	for _, e := range t.r.Environments {
		for _, l := range wrap(e.Describe(), t.width) {
			t.line(l)
		}
	}
	t.line(t.r.Totals.Describe())
	for _, l := range wrap(t.r.Reference.Provenance(), t.width) {
		if l != "" {
			t.line(l)
		}
	}
	for _, c := range t.cols {
		if c.Unavailable != "" {
			t.line(cut(t.r.Label(c)+" unavailable here: "+c.Unavailable, t.width))
		}
	}
	t.line(fmt.Sprintf("%s pass  %s fail  %s unsupported  %s unavailable  a b c: observed values, listed under the row",
		t.paint(ansiGreen, symPass), t.paint(ansiRed, symFail), t.paint(ansiDim, symUnsupported), t.paint(ansiDim, symUnavailable)))
	if _, res := t.r.UnexpectedResults(); len(res) > 0 {
		t.line(t.paint(ansiYellow, symUnexpected) + " " + DiffersFromInferred + " (listed below, with the source); the spec passed")
	}
	if t.keyed {
		var key []string
		for i, c := range t.cols {
			key = append(key, fmt.Sprintf("%d %s", i+1, t.r.Label(c)))
		}
		for _, l := range wrap("columns: "+strings.Join(key, " · "), t.width) {
			t.line(l)
		}
	}
}

func (t *textWriter) matrix(block []int) {
	t.line("")
	head := pad("", 0, t.nameW)
	for _, i := range block {
		head += pad(t.heads[i], utf8.RuneCountInString(t.heads[i]), t.colW)
	}
	if t.inline {
		head += "verdict"
	}
	t.line(t.paint(ansiBold, head))
	for _, area := range t.r.Areas() {
		t.line(t.paint(ansiBold, area.Name))
		for _, b := range area.Behaviours {
			t.row(b, block)
		}
	}
}

func (t *textWriter) row(b Behaviour, block []int) {
	s := pad("  "+cut(b.ID, t.nameW-3), utf8.RuneCountInString(cut(b.ID, t.nameW-3))+2, t.nameW)
	values := letters(t.r, b)
	for _, i := range block {
		sym, code := t.symbol(b, t.cols[i], values)
		s += pad(t.paint(code, sym), utf8.RuneCountInString(sym), t.colW)
	}
	if !t.inline {
		t.line(s)
	} else {
		row := t.r.Row(b.ID)
		text := row.Text()
		indent := t.nameW + len(block)*t.colW
		for i, l := range wrap(text, t.width-indent) {
			if i > 0 {
				s = strings.Repeat(" ", indent)
			}
			t.line(s + t.paint(statusColor(row.Status), l))
		}
	}
	if len(values.order) > 0 && block[len(block)-1] == len(t.cols)-1 {
		var parts []string
		for _, v := range values.order {
			parts = append(parts, values.letter[v]+": "+v)
		}
		for _, l := range wrap(strings.Join(parts, " · "), t.width-6) {
			t.line("      " + t.paint(ansiCyan, l))
		}
	}
}

// symbol is a cell's mark and colour, marked when the result differs
// from an inferred expectation.
func (t *textWriter) symbol(b Behaviour, c Transport, values valueLetters) (string, string) {
	sym, code := t.mark(b, c, values)
	if res, ok := t.r.Result(b.ID, c); ok && len(res.Unexpected()) > 0 {
		return sym + symUnexpected, ansiYellow
	}
	return sym, code
}

func (t *textWriter) mark(b Behaviour, c Transport, values valueLetters) (string, string) {
	res, ok := t.r.Result(b.ID, c)
	switch {
	case !ok:
		return "", ""
	case res.Verdict == Pass && values.letter[res.Summary] != "":
		return values.letter[res.Summary], ansiCyan
	case res.Verdict == Pass:
		return symPass, ansiGreen
	case res.Verdict == Fail:
		return symFail, ansiRed
	case res.Verdict == Unsupported:
		return symUnsupported, ansiDim
	case res.Verdict == Unavailable:
		return symUnavailable, ansiDim
	}
	return symSkipped, ansiDim
}

// valueLetters gives each distinct observed value of a row a letter.
type valueLetters struct {
	order  []string
	letter map[string]string
}

// letters labels the observed values of a non-contract row; contract rows
// show pass or fail only, their values are in the other formats.
func letters(r *Report, b Behaviour) valueLetters {
	v := valueLetters{letter: map[string]string{}}
	if b.Class == "contract" {
		return v
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, c := range r.Shown() {
		res, ok := r.Result(b.ID, c)
		if !ok || res.Verdict != Pass || res.Summary == "" || v.letter[res.Summary] != "" {
			continue
		}
		l := "?"
		if n := len(v.order); n < len(alphabet) {
			l = alphabet[n : n+1]
		}
		v.order = append(v.order, res.Summary)
		v.letter[res.Summary] = l
	}
	return v
}

func statusColor(s RowStatus) string {
	switch s {
	case Holds:
		return ansiGreen
	case Fails:
		return ansiRed
	case Differs:
		return ansiYellow
	case DiffersByOS:
		return ansiMag
	}
	return ansiDim
}

// verdicts lists the row verdicts when they do not fit beside the matrix.
func (t *textWriter) verdicts() {
	t.line("")
	t.line(t.paint(ansiBold, "verdicts"))
	for _, row := range t.r.Rows {
		text := row.Text()
		for i, l := range wrap(text, t.width-t.nameW) {
			name := ""
			if i == 0 {
				name = "  " + cut(row.Behaviour, t.nameW-3)
			}
			t.line(pad(name, utf8.RuneCountInString(name), t.nameW) + t.paint(statusColor(row.Status), l))
		}
	}
}

func (t *textWriter) failures() {
	first := true
	for _, c := range t.cols {
		for _, b := range t.r.Behaviours {
			res, ok := t.r.Result(b.ID, c)
			if !ok || res.Verdict != Fail {
				continue
			}
			if first {
				t.line("")
				t.line(t.paint(ansiBold, "failures"))
				first = false
			}
			t.line(cut(fmt.Sprintf("  %s on %s: %s", b.ID, t.r.Label(c), oneLine(res.Reason, 0)), t.width))
			if setting, _ := res.Values["setting"].(string); setting != "" {
				for _, l := range wrap("setting: "+setting, t.width-4) {
					t.line("    " + l)
				}
			}
		}
	}
}

// unexpected lists the results that differ from an inferred expectation.
func (t *textWriter) unexpected() {
	labels, results := t.r.UnexpectedResults()
	if len(results) == 0 {
		return
	}
	t.line("")
	t.line(t.paint(ansiBold, DiffersFromInferred+" (the specs passed)"))
	for i, res := range results {
		for j, l := range wrap(fmt.Sprintf("%s on %s: %s", res.Behaviour, labels[i], strings.TrimPrefix(res.UnexpectedText(), DiffersFromInferred+": ")), t.width-4) {
			indent := "  "
			if j > 0 {
				indent = "    "
			}
			t.line(indent + l)
		}
	}
}

func (t *textWriter) capacities() {
	caps := t.r.CapacityBars()
	if len(caps) == 0 {
		return
	}
	t.line("")
	t.line(t.paint(ansiBold, "capacity: bytes a writer got accepted before it blocked, reader stopped"))
	nameW := 12
	for _, c := range caps {
		nameW = max(nameW, utf8.RuneCountInString(c.Label)+3)
	}
	cols := []string{"accepted", "sender q", "in flight", "receiver q", "SO_SNDBUF", "SO_RCVBUF", "pipe size"}
	head := pad("", 0, nameW)
	for _, c := range cols {
		head += pad(c, len(c), 11)
	}
	t.line(cut(head, t.width))
	for _, c := range caps {
		s := pad("  "+c.Label, utf8.RuneCountInString(c.Label)+2, nameW)
		for _, n := range []int64{c.AcceptedBytes, c.SenderQueuedBytes, c.InFlightBytes, c.ReceiverQueuedBytes, c.SoSndbuf, c.SoRcvbuf, c.PipeSize} {
			v := "-"
			if n >= 0 {
				v = units.Short(n)
			}
			s += pad(v, utf8.RuneCountInString(v), 11)
		}
		t.line(cut(s, t.width))
	}
	if n := len(t.r.Sweeps); n > 0 {
		t.line(fmt.Sprintf("%d buffer sweeps: see the HTML or Markdown report", n))
	}
}

// ColorTerminal reports whether f is a terminal that wants colour: a
// character device, TERM not dumb, NO_COLOR unset (https://no-color.org).
func ColorTerminal(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
