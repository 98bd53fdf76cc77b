package reporttest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/bound"
	"github.com/streamspec/streamspec/internal/measure"
	"github.com/streamspec/streamspec/internal/pair"
	"github.com/streamspec/streamspec/internal/report"
	"github.com/streamspec/streamspec/internal/units"
	"github.com/streamspec/streamspec/transports"
)

// Every capacity bar adds up: measured on each built-in transport here,
// the bar's segments, laid end to end from the axis, are as long as the
// bytes its label gives on the chart's own scale, to half a pixel.
func TestCapacityBarsAddUp(t *testing.T) {
	rep := report.New(fixtureEnv)
	for _, tr := range transports.Builtin() {
		c, err := capacityOn(tr)
		var unavailable *harness.Unavailable
		if errors.As(err, &unavailable) {
			t.Logf("%s: %v", tr.Name(), err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tr.Name(), err)
		}
		rep.AddTransport(report.Transport{Name: tr.Name(), Env: "linux", Kind: string(tr.Traits().Kind)})
		rep.AddCapacity(report.Capacity{Behaviour: "capacity", Env: "linux", Capacity: c})
	}
	rep.Derive()
	bars := checkBars(t, rep)
	if bars < 5 {
		t.Errorf("%d bars checked, want one per built-in transport that runs here", bars)
	}
	checkBars(t, fixture())
}

// The check fails a bar that stacks a counter on the bytes it counts
// (the sender's charge for a Unix socket's queued bytes drawn as unsent
// bytes made the bar twice its label) or whose label is not its bytes.
func TestCapacityBarCheckCanFail(t *testing.T) {
	good := `<svg aria-label="capacity per transport"><text class="tick" data-bytes="0" x="190"></text><text class="tick" data-bytes="1000" x="290"></text>` +
		`<g class="bar" data-accepted="500"><rect class="seg" x="190" width="50"></rect><text class="total">` + units.Short(500) + `</text></g></svg>`
	if err := barsAddUp(good); err != nil {
		t.Fatalf("a bar that adds up failed: %v", err)
	}
	for what, svg := range map[string]string{
		"stacked charge": strings.Replace(good, `</rect>`, `</rect><rect class="seg" x="240" width="50"></rect>`, 1),
		"wrong label":    strings.Replace(good, units.Short(500), units.Short(1000), 1),
		"gap":            strings.Replace(good, `x="190" width="50"`, `x="200" width="40"`, 1),
	} {
		err := barsAddUp(svg)
		if err == nil {
			t.Errorf("%s: the check passed", what)
		}
		t.Logf("%s: %v", what, err)
	}
}

// capacityOn measures one fresh pair of tr, the reader stopped.
func capacityOn(tr harness.Transport) (measure.Capacity, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pair.Timeout+bound.Stall*4)
	defer cancel()
	p, err := pair.Open(ctx, tr)
	if err != nil {
		return measure.Capacity{}, err
	}
	defer func() { _ = bound.Within(bound.CloseTimeout, "B.Close", p.B.Close); _ = p.Close() }()
	var opts []measure.FillOption
	if !p.Can(harness.WriteDeadline) {
		opts = append(opts, measure.FillWithoutDeadlines())
	}
	c, err := measure.MeasureCapacity(ctx, p.A, p.B, opts...)
	c.Transport = tr.Name()
	return c, err
}

// checkBars renders rep's HTML, checks every capacity bar and returns how
// many there were.
func checkBars(t *testing.T, rep *report.Report) int {
	t.Helper()
	var page bytes.Buffer
	if err := rep.HTML(&page); err != nil {
		t.Fatal(err)
	}
	svg := capacitySVG.FindString(page.String())
	if svg == "" {
		t.Fatal("no capacity chart in the page")
	}
	if err := barsAddUp(svg); err != nil {
		t.Error(err)
	}
	for _, b := range rep.CapacityBars() {
		t.Logf("%-16s %s: %+v", b.Label, units.Bytes(b.AcceptedBytes), b.Parts())
	}
	return strings.Count(svg, `class="bar"`)
}

var capacitySVG = regexp.MustCompile(`(?s)<svg[^>]*aria-label="capacity per transport".*?</svg>`)

type svgNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []svgNode  `xml:",any"`
}

func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n svgNode) num(name string) float64 {
	f, _ := strconv.ParseFloat(n.attr(name), 64)
	return f
}

func (n svgNode) all(class string) []svgNode {
	var out []svgNode
	for _, c := range n.Children {
		if c.attr("class") == class {
			out = append(out, c)
		}
		out = append(out, c.all(class)...)
	}
	return out
}

// barsAddUp checks a capacity chart: the scale from its axis ticks, then
// each bar's segments contiguous from the axis and as long as its
// data-accepted bytes, and its total label those bytes.
func barsAddUp(svg string) error {
	var root svgNode
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		return fmt.Errorf("the chart is not well-formed: %v", err)
	}
	ticks := root.all("tick")
	if len(ticks) < 2 {
		return fmt.Errorf("%d axis ticks: no scale", len(ticks))
	}
	x0, last := ticks[0].num("x"), ticks[len(ticks)-1]
	perByte := (last.num("x") - x0) / last.num("data-bytes")
	var errs []error
	for _, bar := range root.all("bar") {
		accepted, _ := strconv.ParseInt(bar.attr("data-accepted"), 10, 64)
		x, length := x0, 0.0
		for _, seg := range bar.all("seg") {
			if math.Abs(seg.num("x")-x) > 0.2 {
				errs = append(errs, fmt.Errorf("bar of %s: a segment starts at %.1f, not where the last ended (%.1f)", units.Bytes(accepted), seg.num("x"), x))
			}
			x, length = seg.num("x")+seg.num("width"), length+seg.num("width")
		}
		if want := float64(accepted) * perByte; math.Abs(length-want) > 0.5 {
			errs = append(errs, fmt.Errorf("bar of %s is %.1f px long, %.2f times the %.1f px its bytes measure on the axis", units.Bytes(accepted), length, length/want, want))
		}
		if total := bar.all("total"); len(total) != 1 || !strings.HasPrefix(total[0].Text, units.Short(accepted)) {
			label := ""
			if len(total) > 0 {
				label = total[0].Text
			}
			errs = append(errs, fmt.Errorf("bar of %s is labelled %q, want %q", units.Bytes(accepted), label, units.Short(accepted)))
		}
	}
	return errors.Join(errs...)
}
