package catalogue

import "github.com/streamspec/streamspec/harness"

// A network path: where a blocked writer's bytes are when some are in
// flight, and how that grows with the path. Observed: loopback has no path.
var (
	InFlight = Register(Behaviour{ID: "in-flight", Area: "blocking", Class: Observed, Needs: []harness.Ability{harness.Descriptor},
		Rule: "on a network path, a writer blocked while its bytes cross the bottleneck has them in three places: unsent, in flight and in the receiver's queue, adding up to the accepted bytes exactly"})
	CapacityPath = Register(Behaviour{ID: "capacity-vs-path", Area: "blocking", Class: Observed, Needs: []harness.Ability{harness.Descriptor},
		Rule: "capacity and bytes in flight against the path's bandwidth-delay product: a loss-based sender fills the bottleneck queue, so in flight grows with it"})
)
