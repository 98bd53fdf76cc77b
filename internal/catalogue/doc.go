// Package catalogue is the list of behaviours streamspec checks: each a
// contract rule every byte stream MUST keep, or an observed behaviour that
// legitimately differs by TCP implementation, socket type or OS, with the
// abilities a transport needs for it. The specs in package suites and the
// report both read it; each rule's text lives here once.
package catalogue
