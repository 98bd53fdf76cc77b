// Package pattern is the seeded byte stream every spec writes and checks:
// a reader verifies what a writer sent without sharing a buffer, and a
// lost, duplicated, reordered or changed byte shows at its offset.
package pattern
