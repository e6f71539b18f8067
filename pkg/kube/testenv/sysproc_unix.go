//go:build unix && !linux

package testenv

import (
	"os"
	"syscall"
)

// childSysProcAttr puts a child in its own process group. Without Linux's
// parent-death signal, children outlive a test binary that dies before Stop.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends SIGKILL to the process group led by p.
func killGroup(p *os.Process) error {
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if err == syscall.ESRCH {
		return nil
	}
	return err
}

// processAlive reports whether a process with this pid exists (possibly
// owned by another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
