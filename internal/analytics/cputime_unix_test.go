//go:build unix

package analytics

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used (user and
// system), which a benchmark on a shared machine reports besides wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
