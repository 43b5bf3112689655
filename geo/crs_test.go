package geo

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// metres converts a small difference in degrees near lat to metres.
func metres(dLng, dLat, lat float64) float64 {
	const degree = 111_320.0
	return math.Hypot(dLng*degree*math.Cos(lat*math.Pi/180), dLat*degree)
}

func TestWGS84ToGCJ02Reference(t *testing.T) {
	tests := []struct {
		name                 string
		lng, lat, gLng, gLat float64
		tol                  float64
	}{
		// Published by wandergis/coordtransform, the usual reference port.
		{"coordtransform README", 116.404, 39.915, 116.41024449916938, 39.91640428150164, 1e-12},
		// The Tiananmen point from the brief, checked against the same algorithm.
		{"Beijing", 116.397128, 39.916527, 116.403371, 39.917930, 2e-6},
		{"outside China is unchanged", 2.2945, 48.8584, 2.2945, 48.8584, 0},
	}
	for _, tt := range tests {
		gLng, gLat := WGS84ToGCJ02(tt.lng, tt.lat)
		if math.Abs(gLng-tt.gLng) > tt.tol || math.Abs(gLat-tt.gLat) > tt.tol {
			t.Errorf("%s: WGS84ToGCJ02(%v, %v) = (%.12f, %.12f), want (%v, %v)", tt.name, tt.lng, tt.lat, gLng, gLat, tt.gLng, tt.gLat)
		}
		wLng, wLat := GCJ02ToWGS84(tt.gLng, tt.gLat)
		if math.Abs(wLng-tt.lng) > tt.tol+1e-9 || math.Abs(wLat-tt.lat) > tt.tol+1e-9 {
			t.Errorf("%s: GCJ02ToWGS84(%v, %v) = (%.12f, %.12f), want (%v, %v)", tt.name, tt.gLng, tt.gLat, wLng, wLat, tt.lng, tt.lat)
		}
	}
}

// TestGCJ02RoundTrip checks the iterative inverse across China, and that the
// shift is the few hundred metres that makes converting matter.
func TestGCJ02RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	worst, minShift, maxShift := 0.0, math.Inf(1), 0.0
	for range 20000 {
		lng, lat := 73.5+rng.Float64()*61.5, 18+rng.Float64()*35.5
		gLng, gLat := WGS84ToGCJ02(lng, lat)
		wLng, wLat := GCJ02ToWGS84(gLng, gLat)
		worst = max(worst, math.Abs(wLng-lng), math.Abs(wLat-lat))
		shift := metres(gLng-lng, gLat-lat, lat)
		minShift, maxShift = min(minShift, shift), max(maxShift, shift)
	}
	t.Logf("worst round-trip error %.2g degrees", worst)
	if worst > 1e-9 {
		t.Errorf("worst round-trip error %.3g degrees, want < 1e-9", worst)
	}
	if minShift < 1 || maxShift > 1500 {
		t.Errorf("GCJ-02 shift ranges %.0f..%.0f m, want within 1..1500 m", minShift, maxShift)
	}
	// In the test county the shift is several hundred metres, far more than
	// a grid is wide near its edges.
	gLng, gLat := WGS84ToGCJ02(113.6, 34.7)
	if s := metres(gLng-113.6, gLat-34.7, 34.7); s < 200 || s > 800 {
		t.Errorf("shift at Zhengzhou = %.0f m, want several hundred", s)
	}
}

// TestGCJ02OneStepIsNotEnough documents why GCJ02ToWGS84 iterates: the usual
// one-step inverse is metres off in places, the iterated one millimetres at
// worst.
func TestGCJ02OneStepIsNotEnough(t *testing.T) {
	oneStep, iterated := 0.0, 0.0
	for lng := 73.5; lng < 135; lng += 0.25 {
		for lat := 18.0; lat < 53; lat += 0.25 {
			gLng, gLat := WGS84ToGCJ02(lng, lat)
			dLng, dLat := gcjOffset(gLng, gLat)
			oneStep = max(oneStep, metres(gLng-dLng-lng, gLat-dLat-lat, lat))
			wLng, wLat := GCJ02ToWGS84(gLng, gLat)
			iterated = max(iterated, metres(wLng-lng, wLat-lat, lat))
		}
	}
	if oneStep < 1 || iterated > 1e-3 {
		t.Errorf("worst error: one step %.3f m, iterated %.6f m; want > 1 m and < 1 mm", oneStep, iterated)
	}
}

func TestToWGS84(t *testing.T) {
	gLng, gLat := WGS84ToGCJ02(113.6, 34.7)
	for _, crs := range []string{"", "wgs84", "WGS84", "EPSG:4326", "epsg:4326", " wgs-84 "} {
		lng, lat, err := ToWGS84(crs, 113.6, 34.7)
		if err != nil || lng != 113.6 || lat != 34.7 {
			t.Errorf("ToWGS84(%q) = %v, %v, %v", crs, lng, lat, err)
		}
	}
	for _, crs := range []string{"gcj02", "GCJ02", "gcj-02"} {
		lng, lat, err := ToWGS84(crs, gLng, gLat)
		if err != nil || math.Abs(lng-113.6) > 1e-9 || math.Abs(lat-34.7) > 1e-9 {
			t.Errorf("ToWGS84(%q) = %v, %v, %v", crs, lng, lat, err)
		}
	}
	for _, tt := range []struct {
		crs      string
		lng, lat float64
		want     string
	}{
		{"bd09", 113.6, 34.7, `unknown coordinate system "bd09"`},
		{"EPSG:3857", 113.6, 34.7, `unknown coordinate system "EPSG:3857"`},
		{"wgs84", math.NaN(), 34.7, "not a finite number"},
		{"gcj02", 113.6, 134.7, "latitude 134.7 out of range"},
		{"wgs84", 34.7, 113.6, "swapped"},
	} {
		if _, _, err := ToWGS84(tt.crs, tt.lng, tt.lat); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ToWGS84(%q, %v, %v) error %v, want %q", tt.crs, tt.lng, tt.lat, err, tt.want)
		}
	}
}
