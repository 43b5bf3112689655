//go:build !unix

package geo

import "time"

// processCPU is unavailable here; benchmarks then omit the CPU figure.
func processCPU() time.Duration { return 0 }
