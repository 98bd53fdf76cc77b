// Package measure measures what the observed specs record: the bytes a
// writer gets in before it blocks and where they sit (capacity), how much
// a reader must drain before the writer wakes, capacity against a buffer
// knob on fresh pairs (sweeps), a transport's throughput, and bytes in
// flight on a network path.
package measure
