package geo

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkLocate measures one lookup in an index of 10,000 synthetic grids,
// cycling through a million uniform points over their area. It also reports
// CPU time per lookup, the share of points that hit a grid, the build time
// and memory per grid.
func BenchmarkLocate(b *testing.B) {
	f := bigFixture()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix := NewIndex(f.shapes)
	build := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	pts := f.pts
	hits := 0
	b.ResetTimer()
	cpu := processCPU()
	for i := range b.N {
		p := pts[i%len(pts)]
		if _, _, ok := ix.Locate(p[0], p[1]); ok {
			hits++
		}
	}
	reportCPU(b, cpu)
	b.StopTimer()
	b.ReportMetric(100*float64(hits)/float64(b.N), "%hit")
	b.ReportMetric(float64(build.Microseconds())/1000, "build-ms")
	b.ReportMetric(float64(ix.Bytes())/float64(len(f.shapes)), "B/grid")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(f.shapes)), "heapB/grid")
	runtime.KeepAlive(ix)
}

// BenchmarkLocateNaive is the baseline: a linear scan with a bounding-box
// check over the same grids and points.
func BenchmarkLocateNaive(b *testing.B) {
	f := bigFixture()
	nv := newNaive(f.shapes)
	pts := f.pts
	b.ResetTimer()
	cpu := processCPU()
	for i := range b.N {
		p := pts[i%len(pts)]
		nv.locate(p[0], p[1])
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process CPU time per operation since start. On a
// shared machine ns/op (wall time) swings with other load; cpu-ns/op does not.
func reportCPU(b *testing.B, start time.Duration) {
	if start > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkLocateParallel looks up through a Locator from every core, as the
// server does; ns/op is wall time, so it falls as cores are added.
func BenchmarkLocateParallel(b *testing.B) {
	f := bigFixture()
	var l Locator
	l.Store(NewIndex(f.shapes))
	pts := f.pts
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i += 7919 { // a prime stride spreads goroutines apart
			p := pts[i%len(pts)]
			l.Locate(p[0], p[1])
		}
	})
}

// BenchmarkIndexDensity is for re-tuning cellsPerPolygon: speed, the share of
// lookups answered by a solid cell, build time and memory at each density.
func BenchmarkIndexDensity(b *testing.B) {
	f := bigFixture()
	for _, d := range []float64{4, 16, 32, 64, 128} {
		start := time.Now()
		ix := buildIndex(f.shapes, d)
		build := time.Since(start)
		solid := 0
		for _, p := range f.pts {
			if w, ok := ix.cellWord(p[0], p[1]); ok && w&solidBit != 0 {
				solid++
			}
		}
		b.Run(fmt.Sprint(d), func(b *testing.B) {
			for i := range b.N {
				p := f.pts[i%len(f.pts)]
				ix.Locate(p[0], p[1])
			}
			b.ReportMetric(100*float64(solid)/float64(len(f.pts)), "%solid")
			b.ReportMetric(float64(build.Microseconds())/1000, "build-ms")
			b.ReportMetric(float64(ix.Bytes())/float64(len(f.shapes)), "B/grid")
		})
	}
}
