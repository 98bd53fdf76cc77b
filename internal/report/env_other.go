//go:build !linux && !darwin

package report

func kernelRelease() string { return "" }
func osVersion() string     { return "" }
