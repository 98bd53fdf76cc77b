//go:build linux || darwin

package reporttest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/streamspec/streamspec/internal/report"
)

// The HTML report in a real browser: headless Chromium loads the page of
// the fixture report, and of a custom transport's report beside the
// reference columns, at 1000, 1400 and 1600 px wide; each must raise no
// console message, exception, failed or external load, lay the matrix out
// whole and clip no chart label. The screenshots are kept for a person to
// look at (STREAMSPEC_SCREENSHOT=dir keeps them there). Skipped, saying
// why, where there is no Chromium.
func TestReportHTMLInChromium(t *testing.T) {
	chrome := findChromium(t)
	for _, page := range []struct {
		name             string
		rep              *report.Report
		rows, cols, svgs int
	}{
		{"builtin", fixture(), 10, 8, 4},
		{"custom", customFixture(), 10, 1 + 3, 1},
	} {
		for _, width := range []int{1000, 1400, 1600} {
			t.Run(fmt.Sprintf("%s-%d", page.name, width), func(t *testing.T) {
				checkPage(t, chrome, page.rep, width, page.rows, page.cols, page.svgs, page.name)
			})
		}
	}
}

func checkPage(t *testing.T, chrome string, rep *report.Report, width, rows, cols, svgs int, name string) {
	page := filepath.Join(t.TempDir(), "conformance.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.HTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	got := loadInChromium(t, chrome, page, width, `JSON.stringify({
		cells: document.querySelectorAll("table.matrix td.cell").length,
		colored: [...document.querySelectorAll("table.matrix td.cell")].filter(c => getComputedStyle(c).backgroundColor !== "rgba(0, 0, 0, 0)").length,
		titled: document.querySelectorAll("table.matrix td.cell[title]").length,
		svgs: document.querySelectorAll("svg").length,
		bars: document.querySelectorAll("svg rect[fill]").length,
		curves: document.querySelectorAll("svg polyline").length,
		tableWidth: document.querySelector("table.matrix").getBoundingClientRect().width,
		pageWidth: document.documentElement.scrollWidth,
		wide: [...document.querySelectorAll("body > *")].filter(e => e.getBoundingClientRect().right > innerWidth).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)),
		clipped: [...document.querySelectorAll("svg text")].filter(e => {
			const s = e.ownerSVGElement.getBoundingClientRect(), r = e.getBoundingClientRect();
			return r.width > 0 && (r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5);
		}).map(e => e.textContent),
		wrapped: [...document.querySelectorAll("table.matrix td.cell, table.data td")].filter(e => /\d[ \n]\d/.test(e.innerText)).map(e => e.innerText),
	})`)
	for _, e := range got.problems {
		t.Errorf("browser: %s", e)
	}
	var dom struct {
		Cells, Colored, Titled, Svgs, Bars, Curves int
		TableWidth, PageWidth                      float64
		Clipped, Wrapped, Wide                     []string
	}
	if err := json.Unmarshal([]byte(got.value), &dom); err != nil {
		t.Fatalf("page check %q: %v", got.value, err)
	}
	if dom.Cells != rows*cols || dom.Titled != dom.Cells || dom.Colored < dom.Cells-rows {
		t.Errorf("matrix: %d cells (want %d), %d with a tooltip, %d coloured", dom.Cells, rows*cols, dom.Titled, dom.Colored)
	}
	if dom.Svgs != svgs || dom.Bars < 4 {
		t.Errorf("charts: %d svg (want %d: capacity and sweep panels), %d rects", dom.Svgs, svgs, dom.Bars)
	}
	if dom.TableWidth > float64(width) || dom.PageWidth > float64(width) {
		t.Errorf("the matrix is %.0f px wide and the page %.0f px, more than the %d px window; past its edge: %q", dom.TableWidth, dom.PageWidth, width, dom.Wide)
	}
	if len(dom.Clipped) > 0 {
		t.Errorf("chart labels cut by their chart's edge: %q", dom.Clipped)
	}
	if len(dom.Wrapped) > 0 {
		t.Errorf("numbers broken by a breaking space: %q", dom.Wrapped)
	}
	keep := filepath.Join(t.TempDir(), "conformance.png")
	if dir := os.Getenv("STREAMSPEC_SCREENSHOT"); dir != "" {
		keep = filepath.Join(dir, fmt.Sprintf("report-%s-%d.png", name, width))
	}
	if err := os.WriteFile(keep, got.screenshot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", keep, len(got.screenshot))
}

// The check can fail: a page that logs an error, throws, and loads from
// the network is caught on each count.
func TestReportHTMLCheckCatchesErrors(t *testing.T) {
	chrome := findChromium(t)
	page := filepath.Join(t.TempDir(), "bad.html")
	bad := `<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">
<script>console.error("boom"); throw new Error("thrown");</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	got := loadInChromium(t, chrome, page, viewportWidth, `"ok"`)
	all := strings.Join(got.problems, "\n")
	for _, want := range []string{"console error: boom", "exception", "thrown", "external request: http://127.0.0.1:9/x.png"} {
		if !strings.Contains(all, want) {
			t.Errorf("the check missed %q; it saw:\n%s", want, all)
		}
	}
}

const viewportWidth = 1400

func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STREAMSPEC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
		"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no headless Chromium: install the Debian packages chromium and chromium-driver (make test does, as root), " +
		"or set STREAMSPEC_CHROMIUM to a Chrome binary")
	return ""
}

type browserResult struct {
	problems   []string // console errors, exceptions, failed or external loads
	value      string   // the expression's value
	screenshot []byte   // PNG of the whole page
}

// loadInChromium opens page in headless Chromium, driven through the
// DevTools protocol on a pipe (--remote-debugging-pipe: standard library
// only, no port, no driver), evaluates expr once the page has loaded and
// takes a full-page screenshot.
func loadInChromium(t *testing.T, chrome, page string, width int, expr string) browserResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	toChrome, chromeIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	chromeOut, fromChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer toChrome.Close()
	defer chromeIn.Close()
	defer chromeOut.Close()
	defer fromChrome.Close()
	cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	// Chromium reads commands on fd 3 and writes replies on fd 4.
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers go with it
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	toChrome.Close()
	fromChrome.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		chromeIn.Close() // Chromium exits when its pipe closes
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()

	c := &cdp{w: chromeIn, msgs: make(chan cdpMessage, 256), ctx: ctx}
	go c.read(bufio.NewReader(chromeOut))
	fail := func(err error) {
		t.Helper()
		t.Fatalf("driving Chromium: %v\nits stderr:\n%s", err, lastLines(stderr.String(), 15))
	}
	var target struct{ TargetID string }
	if err := c.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		fail(err)
	}
	var attached struct{ SessionID string }
	if err := c.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		fail(err)
	}
	s := attached.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Network.enable", "Page.enable"} {
		if err := c.call(s, m, nil, nil); err != nil {
			fail(err)
		}
	}
	if err := c.call(s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		fail(err)
	}
	if err := c.call(s, "Page.navigate", map[string]any{"url": "file://" + page}, nil); err != nil {
		fail(err)
	}
	if err := c.await(s, "Page.loadEventFired"); err != nil {
		fail(err)
	}
	var eval struct {
		Result struct{ Value any }
	}
	if err := c.call(s, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &eval); err != nil {
		fail(err)
	}
	var metrics struct {
		CSSContentSize struct{ Width, Height float64 }
	}
	if err := c.call(s, "Page.getLayoutMetrics", nil, &metrics); err != nil {
		fail(err)
	}
	var shot struct{ Data string }
	size := metrics.CSSContentSize
	if err := c.call(s, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": max(size.Width, 1), "height": max(size.Height, 1), "scale": 1}}, &shot); err != nil {
		fail(err)
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		fail(fmt.Errorf("screenshot is not a PNG (%d bytes, %v)", len(png), err))
	}
	_ = c.call("", "Browser.close", nil, nil)
	return browserResult{problems: c.problems, value: fmt.Sprint(eval.Result.Value), screenshot: png}
}

// cdp is a minimal DevTools protocol client: one command at a time, the
// events in between checked for problems.
type cdp struct {
	w        io.Writer
	msgs     chan cdpMessage
	ctx      context.Context
	next     int
	problems []string
	readErr  error
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// read delivers the NUL-separated messages from Chromium.
func (c *cdp) read(r *bufio.Reader) {
	defer close(c.msgs)
	for {
		data, err := r.ReadBytes(0)
		if err != nil {
			c.readErr = err
			return
		}
		var m cdpMessage
		if json.Unmarshal(data[:len(data)-1], &m) == nil {
			c.msgs <- m
		}
	}
}

func (c *cdp) call(session, method string, params, result any) error {
	c.next++
	id := c.next
	msg := map[string]any{"id": id, "method": method, "params": orEmpty(params)}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := c.w.Write(append(data, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	m, err := c.until(func(m cdpMessage) bool { return m.ID == id })
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if m.Error != nil {
		return fmt.Errorf("%s: %s", method, m.Error.Message)
	}
	if result != nil {
		return json.Unmarshal(m.Result, result)
	}
	return nil
}

func (c *cdp) await(session, event string) error {
	_, err := c.until(func(m cdpMessage) bool { return m.Method == event && m.SessionID == session })
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", event, err)
	}
	return nil
}

// until reads messages, noting problems, until one satisfies done.
func (c *cdp) until(done func(cdpMessage) bool) (cdpMessage, error) {
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return m, errors.Join(errors.New("Chromium closed the pipe"), c.readErr)
			}
			c.note(m)
			if done(m) {
				return m, nil
			}
		case <-c.ctx.Done():
			return cdpMessage{}, c.ctx.Err()
		}
	}
}

// note records console errors and warnings, exceptions, log errors, failed
// loads and any request that is not for the page itself or inline data.
func (c *cdp) note(m cdpMessage) {
	var p struct {
		Type, ErrorText  string
		Args             []struct{ Value any }
		ExceptionDetails struct {
			Text      string
			Exception struct{ Description string }
		}
		Entry   struct{ Level, Text, URL string }
		Request struct{ URL string }
	}
	_ = json.Unmarshal(m.Params, &p)
	switch m.Method {
	case "Runtime.consoleAPICalled":
		if p.Type == "error" || p.Type == "warning" || p.Type == "assert" {
			var args []string
			for _, a := range p.Args {
				args = append(args, fmt.Sprint(a.Value))
			}
			c.problems = append(c.problems, fmt.Sprintf("console %s: %s", p.Type, strings.Join(args, " ")))
		}
	case "Runtime.exceptionThrown":
		c.problems = append(c.problems, "exception: "+p.ExceptionDetails.Text+" "+p.ExceptionDetails.Exception.Description)
	case "Log.entryAdded":
		if p.Entry.Level == "error" || p.Entry.Level == "warning" {
			c.problems = append(c.problems, fmt.Sprintf("log %s: %s %s", p.Entry.Level, p.Entry.Text, p.Entry.URL))
		}
	case "Network.requestWillBeSent":
		if u := p.Request.URL; !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && u != "about:blank" {
			c.problems = append(c.problems, "external request: "+u)
		}
	case "Network.loadingFailed":
		c.problems = append(c.problems, "load failed: "+p.ErrorText)
	}
}

func orEmpty(p any) any {
	if p == nil {
		return map[string]any{}
	}
	return p
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
