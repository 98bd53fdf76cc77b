//go:build race

package transports

const raceDetector = true
