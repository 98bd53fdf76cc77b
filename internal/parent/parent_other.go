//go:build !linux && !darwin

package parent

func commandName(int) string { return "" }
