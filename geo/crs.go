package geo

import (
	"fmt"
	"math"
	"strings"
)

// Krasovsky 1940 ellipsoid parameters used by the GCJ-02 obfuscation.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

// CRS names accepted by ToWGS84.
const (
	CRSWGS84 = "wgs84" // GPS and GeoJSON; "" and "EPSG:4326" mean the same
	CRSGCJ02 = "gcj02" // AMap (高德), Tencent and other Chinese map SDKs
)

// outOfChina is the customary rough bounding box outside which GCJ-02 equals
// WGS84; it is what the map SDKs themselves use, so matching it matters more
// than following the real border.
func outOfChina(lng, lat float64) bool {
	return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271
}

// gcjOffset returns the GCJ-02 shift, in degrees, at the WGS84 point.
func gcjOffset(lng, lat float64) (dLng, dLat float64) {
	x, y := lng-105.0, lat-35.0
	dLat = -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLat += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	dLat += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	dLat += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	dLng = 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dLng += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	dLng += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	dLng += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0

	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLng = (dLng * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLng, dLat
}

// WGS84ToGCJ02 converts a WGS84 point to GCJ-02; points outside the rough
// China box come back unchanged.
func WGS84ToGCJ02(lng, lat float64) (float64, float64) {
	if outOfChina(lng, lat) {
		return lng, lat
	}
	dLng, dLat := gcjOffset(lng, lat)
	return lng + dLng, lat + dLat
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02 by fixed-point iteration to better than
// 1e-9 degrees; the common one-step inverse is off by up to a few metres, which
// is enough to put a fix near a grid edge into the neighbouring grid.
func GCJ02ToWGS84(lng, lat float64) (float64, float64) {
	if outOfChina(lng, lat) {
		return lng, lat
	}
	// The offset changes by under 0.6% of any move, so each step shrinks
	// the error at least 150-fold; over all of China 5 steps suffice.
	wLng, wLat := lng, lat
	for range 20 {
		gLng, gLat := WGS84ToGCJ02(wLng, wLat)
		eLng, eLat := gLng-lng, gLat-lat
		wLng, wLat = wLng-eLng, wLat-eLat
		if math.Abs(eLng) < 1e-10 && math.Abs(eLat) < 1e-10 {
			break
		}
	}
	return wLng, wLat
}

// ToWGS84 converts a point reported in the named CRS to WGS84, the system every
// stored boundary and the Index use, and rejects impossible coordinates. Names
// are matched case-insensitively; an unknown name is an error rather than a
// pass-through because a mislabelled GCJ-02 fix lands hundreds of metres off.
func ToWGS84(crs string, lng, lat float64) (float64, float64, error) {
	if err := checkLngLat(lng, lat); err != nil {
		return 0, 0, fmt.Errorf("geo: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(crs)) {
	case "", CRSWGS84, "wgs-84", "epsg:4326":
		return lng, lat, nil
	case CRSGCJ02, "gcj-02":
		lng, lat = GCJ02ToWGS84(lng, lat)
		return lng, lat, nil
	}
	return 0, 0, fmt.Errorf("geo: unknown coordinate system %q (want wgs84 or gcj02)", crs)
}
