// Package leaks lists what the process holds that a spec could leak (its
// descriptors, identified per OS, and resources that probes report) and
// tells the runtime's and the test runner's own from the code under test.
package leaks
