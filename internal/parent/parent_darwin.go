package parent

import (
	"bytes"

	"golang.org/x/sys/unix"
)

// commandName reads the process's p_comm with sysctl kern.proc.pid
// (xnu bsd/sys/proc.h, struct extern_proc).
func commandName(pid int) string {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		return ""
	}
	comm := make([]byte, 0, len(kp.Proc.P_comm))
	for _, c := range kp.Proc.P_comm {
		comm = append(comm, byte(c))
	}
	if i := bytes.IndexByte(comm, 0); i >= 0 {
		comm = comm[:i]
	}
	return string(comm)
}
