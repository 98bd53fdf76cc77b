// Package harness is streamspec's model of a byte-stream transport: the
// Transport interface and its endpoint pairs, the abilities a spec may need,
// bounded operations, seeded data streams, the behaviour catalogue and the
// report entries that specs record. It does not import Ginkgo, so tools that
// read reports can use it without pulling in a test framework.
package harness
