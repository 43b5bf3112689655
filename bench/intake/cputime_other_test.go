//go:build !unix

package intake_test

import "time"

// processCPU is not measured on this platform; the cpu-µs/case metric reads 0.
func processCPU() time.Duration { return 0 }
