//go:build unix

package intake_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used (server and clients
// together), a figure that time slices lost to other processes do not inflate.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
