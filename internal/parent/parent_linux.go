package parent

import (
	"os"
	"strconv"
)

// commandName reads /proc/PID/comm (proc(5)).
func commandName(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return ""
	}
	return string(b)
}
