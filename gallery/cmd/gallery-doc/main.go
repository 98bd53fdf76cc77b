// Command gallery-doc checks a gallery run against gallery/findings.go and,
// when they agree, writes docs/gallery.md; and the TCP implementations run
// against gallery/implementations.go, writing docs/tcp-implementations.md. make gallery runs it after the
// gallery's test; it exits 1 on an unexplained failure, a stale finding or
// a run that broke off.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/streamspec/streamspec/gallery"
	"github.com/streamspec/streamspec/internal/catalogue"
	"github.com/streamspec/streamspec/internal/report"
)

func main() {
	reportPath := flag.String("report", "out/report/conformance.json", "the gallery run's streamspec report")
	ginkgoPath := flag.String("ginkgo", "out/ginkgo.json", "the same run's Ginkgo JSON report (whole failure messages)")
	longDir := flag.String("long", "out/long", "the long lifetimes runs' reports, one directory a proxy")
	out := flag.String("o", "../docs/gallery.md", "the page to write")
	implPath := flag.String("impl", "out/implementations/conformance.json", "the TCP implementations run's streamspec report")
	implOut := flag.String("impl-o", "../docs/tcp-implementations.md", "the implementations page to write")
	flag.Parse()
	err := run(*reportPath, *ginkgoPath, *longDir, *out)
	if ierr := implementations(*implPath, *implOut); ierr != nil {
		err = errors.Join(err, ierr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gallery:", err)
		os.Exit(1)
	}
}

// implementations checks the TCP implementations run against
// gallery.ImplRows and, when they agree, writes its page.
func implementations(reportPath, out string) error {
	rep, err := readReport(reportPath)
	if err != nil {
		return fmt.Errorf("the implementations run: %w (did TestImplementations finish? see gallery/out/implementations.log)", err)
	}
	v := gallery.Implementations{Report: rep, Rows: gallery.ImplRows}
	problems, agreed := v.Check()
	for _, p := range problems {
		fmt.Println("gallery:", p)
	}
	fmt.Printf("gallery: implementations: %d rows agree, %d problems\n", agreed, len(problems))
	if len(problems) > 0 {
		return fmt.Errorf("the implementations run and gallery/implementations.go disagree; %s not written", out)
	}
	var b bytes.Buffer
	if err := v.Write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Println("gallery: wrote", out)
	return nil
}

func run(reportPath, ginkgoPath, longDir, out string) error {
	rep, err := readReport(reportPath)
	if err != nil {
		return fmt.Errorf("%w (did the gallery run build and finish? see its log)", err)
	}
	messages, err := failureMessages(ginkgoPath)
	if err != nil {
		return err
	}
	entries := gallery.Entries()
	r := gallery.Run{Entries: entries, Behaviours: catalogue.All(), Versions: versions(entries, rep), Long: longLifetimes(longDir, entries)}
	for _, res := range rep.Results {
		r.Cells = append(r.Cells, gallery.Cell{Result: res, Message: messages[[2]string{res.Transport, res.Behaviour}]})
	}
	problems, notes, agreed := gallery.Check(r, gallery.Findings)
	for _, n := range notes {
		fmt.Println("gallery:", n)
	}
	for _, p := range problems {
		fmt.Println("gallery:", p)
	}
	fmt.Printf("gallery: %d entries, %d results, %d findings; %d checks passed, %d failed\n",
		len(entries), len(r.Cells), len(gallery.Findings), agreed, len(problems))
	if len(problems) > 0 {
		return fmt.Errorf("the run and gallery/findings.go disagree; %s not written", out)
	}
	var b bytes.Buffer
	if err := (gallery.Doc{Report: rep, Run: r, Findings: gallery.Findings}).Write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Println("gallery: wrote", out)
	return nil
}

// longLifetimes reads the long lifetimes run of each proxy marked Long,
// where its report is.
func longLifetimes(dir string, entries []gallery.Entry) map[string]gallery.Cell {
	out := map[string]gallery.Cell{}
	for _, e := range entries {
		if e.Proxy == nil || !e.Proxy.Long {
			continue
		}
		rep, err := readReport(filepath.Join(dir, e.Name, "conformance.json"))
		if err != nil {
			continue // Check reports the missing result
		}
		for _, res := range rep.Results {
			if res.Transport == e.Name && res.Behaviour == catalogue.Lifetimes.ID {
				out[e.Name] = gallery.Cell{Result: res}
			}
		}
	}
	return out
}

func readReport(path string) (*report.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return report.Read(f)
}

// failureMessages maps transport and spec to the spec's whole failure
// message, from Ginkgo's JSON report.
func failureMessages(path string) (map[[2]string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[[2]string]string{}
	for _, r := range reports {
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt || len(sr.ContainerHierarchyTexts) == 0 || sr.Failure.Message == "" {
				continue
			}
			msg := sr.Failure.Message
			for _, af := range sr.AdditionalFailures {
				msg += "\n" + af.Failure.Message
			}
			out[[2]string{sr.ContainerHierarchyTexts[0], sr.LeafNodeText}] = msg
		}
	}
	return out, nil
}

// versions gives each entry's version: from this binary's build info for
// Go modules (the gallery module's own go.sum, the versions the run used),
// the run's Go release for the standard library, the entry's own Version
// for what is not a Go module.
func versions(entries []gallery.Entry, rep *report.Report) map[string]string {
	out := map[string]string{}
	bi, _ := debug.ReadBuildInfo()
	for _, e := range entries {
		switch {
		case e.Version != nil:
			v, err := e.Version()
			if err != nil {
				v = "unknown: " + err.Error()
			}
			out[e.Name] = v
		case e.Module == "std":
			out[e.Name] = rep.Environments[0].GoVersion
		case bi != nil:
			i := slices.IndexFunc(bi.Deps, func(m *debug.Module) bool { return m.Path == e.Module })
			if i < 0 {
				out[e.Name] = "not in the build info"
				continue
			}
			m := bi.Deps[i]
			if m.Replace != nil {
				m = m.Replace
			}
			out[e.Name] = m.Version
		}
	}
	return out
}
