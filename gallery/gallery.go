// Package gallery runs streamspec against real third-party transports, one
// file per library, wired through streamspec's public API as its README
// tells users. findings.go explains every verdict that is not a pass; make
// gallery checks the run against it and writes docs/gallery.md.
package gallery

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/streamspec/streamspec/harness"
	"github.com/streamspec/streamspec/internal/catalogue"
)

// Entry is one real transport in the gallery.
type Entry struct {
	// Name is the transport's name: its column in the matrix and the key
	// of its findings.
	Name string
	// Module is the Go module whose version the build info gives ("std" for
	// the standard library, whose version is the Go release).
	Module string
	// Version, for what is not a Go module (a relay run as a process), says
	// which version ran, e.g. from the command's -v output. Nil for modules.
	Version func() (string, error)
	// About says in one line what the pair is: the setup, the settings.
	About string
	// Transport makes the pairs, as a user would write it: harness.FromMakePipe,
	// harness.FromReadWriteClosers, transports.RelayCommand.
	Transport harness.Transport
	// Without lists the abilities the library says it lacks, each with the
	// sentence or source line that says so; Register applies harness.Without.
	Without []Lack
	// Proxy is set for a proxy run as a process (Relay): its configuration
	// and what the gallery expects of it.
	Proxy *Proxy
}

// Proxy describes a proxy entry: one configuration of a proxy from the
// system's packages, its file in the repository plus settings.
type Proxy struct {
	Config   string   // its configuration file, from the repository root
	Settings []string // the lines this variant adds to it; none: the file as it is
	// Shows says what this configuration shows, with the documentation that
	// says why (the option, its default, the sentence).
	Shows string
	// Specs, for a variant, are the only specs it runs (nil: every spec): a
	// configuration whose other results would repeat the proxy's, or that
	// a stalled reader would trip (a short idle timeout).
	Specs []string
	// Long also runs its lifetimes with LongHorizon, in a process of its own.
	Long bool
	// Measured is the version (a part of its version line) on which Expect
	// and the entry's findings were measured; another version is run and
	// shown, but neither is checked against it (an inference must not
	// fail a run).
	Measured string
	// Expect maps observed specs to the start of the outcome each must
	// record (lifetimes: the 3 s horizon; LongLifetimes: LongHorizon).
	Expect map[string]string
}

// LongLifetimes is the key in Proxy.Expect of the lifetimes outcome with
// LongHorizon.
const LongLifetimes = "lifetimes@long"

// LongHorizon is the horizon of the long lifetimes runs: beyond haproxy's
// 50 s timeouts as Debian ships them and stunnel's 60 s TIMEOUTclose.
const LongHorizon = 65 * time.Second

// Runs reports whether the gallery runs spec b on entry e.
func (e Entry) Runs(b catalogue.Behaviour) bool {
	return e.Proxy == nil || e.Proxy.Specs == nil || slices.Contains(e.Proxy.Specs, b.ID)
}

// Lack is an ability the library's docs or source say it does not have.
type Lack struct {
	Ability  harness.Ability
	Citation string // file and function, or the doc sentence
}

var entries []Entry

// Register adds e to the gallery. Each entry's file calls it from init.
func Register(e Entry) {
	if e.Name == "" || e.Transport == nil || (e.Module == "" && e.Version == nil) {
		panic(fmt.Sprintf("gallery: entry %q needs a Name, a Transport and a Module or Version", e.Name))
	}
	if e.Name != e.Transport.Name() {
		panic(fmt.Sprintf("gallery: entry %q wraps transport %q: use one name", e.Name, e.Transport.Name()))
	}
	if slices.ContainsFunc(entries, func(o Entry) bool { return o.Name == e.Name }) {
		panic(fmt.Sprintf("gallery: entry %q registered twice", e.Name))
	}
	for _, l := range e.Without {
		if l.Citation == "" {
			panic(fmt.Sprintf("gallery: entry %q declares it lacks %s without a citation", e.Name, l.Ability))
		}
		e.Transport = harness.Without(e.Transport, l.Ability)
	}
	entries = append(entries, e)
}

// Entries returns the gallery in name order.
func Entries() []Entry {
	out := slices.Clone(entries)
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Transports returns every entry's transport, in name order.
func Transports() []harness.Transport {
	var out []harness.Transport
	for _, e := range Entries() {
		out = append(out, e.Transport)
	}
	return out
}
