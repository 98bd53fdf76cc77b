package catalogue

import (
	"fmt"
	"slices"

	"github.com/streamspec/streamspec/harness"
)

// Class says what a spec's failure means.
type Class string

const (
	// Contract behaviours hold for every stream transport: a failure means
	// the transport is nonconformant.
	Contract Class = "contract"
	// Observed behaviours legitimately differ between transports: the spec
	// records what happened and asserts only the expectations declared for
	// built-in transports.
	Observed Class = "observed"
)

// Behaviour is one row of the catalogue.
type Behaviour struct {
	ID    string            // stable identifier, also the spec's text
	Area  string            // integrity, blocking, close, deadlines, concurrency, ...
	Class Class             // contract or observed
	Rule  string            // the rule in one line, MUST language for contracts
	Needs []harness.Ability // abilities without which the spec is unsupported
}

var catalogue []Behaviour

// Register adds b to the catalogue and returns it; IDs are unique.
func Register(b Behaviour) Behaviour {
	if _, dup := Lookup(b.ID); dup {
		panic(fmt.Sprintf("harness: behaviour %q registered twice", b.ID))
	}
	if b.Class != Contract && b.Class != Observed {
		panic(fmt.Sprintf("harness: behaviour %q has no class", b.ID))
	}
	catalogue = append(catalogue, b)
	return b
}

// Catalogue returns every registered behaviour in registration order.
func All() []Behaviour { return slices.Clone(catalogue) }

// Lookup finds a behaviour by ID.
func Lookup(id string) (Behaviour, bool) {
	i := slices.IndexFunc(catalogue, func(b Behaviour) bool { return b.ID == id })
	if i < 0 {
		return Behaviour{}, false
	}
	return catalogue[i], true
}
