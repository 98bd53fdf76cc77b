// Package harness is streamspec's model of a byte-stream transport: the
// Transport interface and its pairs of endpoints, the abilities a spec may
// need (discovered from the endpoints' methods), and the declarations of
// what a type cannot reveal: Without, HalfCloseOnClose, IgnoreGoroutines.
// FromMakePipe and FromReadWriteClosers adapt the common shapes of a
// transport; New takes full control. Package suites runs the specs against
// a Transport. It does not import Ginkgo.
package harness
