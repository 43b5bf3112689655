package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// geomJSON holds the members of a geometry or a Feature that ParseGeometry
// reads; orb/geojson is not used because it drags in a BSON dependency and
// its errors do not say which ring or position is wrong.
type geomJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    json.RawMessage `json:"geometry"`
}

// ParseGeometry decodes a GeoJSON Polygon or MultiPolygon, or a Feature whose
// geometry is one, into a validated MultiPolygon: WGS84 positions, finite and
// in range, altitude dropped, every ring closed, at least four positions long
// and enclosing at least about 1 m². Self-intersection and hole nesting are
// not checked; the index reads such rings by the even-odd rule.
func ParseGeometry(raw []byte) (orb.MultiPolygon, error) {
	mp, err := parseGeometry(raw, true)
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	return mp, nil
}

// parseGeometry is ParseGeometry without the package prefix on errors, so
// feature errors can put their own context first.
func parseGeometry(raw []byte, allowFeature bool) (orb.MultiPolygon, error) {
	var g geomJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("geometry is not valid GeoJSON: %v", err)
	}
	switch g.Type {
	case "Polygon":
		var rings [][][]float64
		if err := decodeCoords(g.Coordinates, &rings); err != nil {
			return nil, err
		}
		p, err := polygonFrom(rings, "")
		if err != nil {
			return nil, err
		}
		return orb.MultiPolygon{p}, nil
	case "MultiPolygon":
		var polys [][][][]float64
		if err := decodeCoords(g.Coordinates, &polys); err != nil {
			return nil, err
		}
		if len(polys) == 0 {
			return nil, errors.New("MultiPolygon has no polygons")
		}
		mp := make(orb.MultiPolygon, len(polys))
		for i, rings := range polys {
			p, err := polygonFrom(rings, fmt.Sprintf("polygon %d ", i))
			if err != nil {
				return nil, err
			}
			mp[i] = p
		}
		return mp, nil
	case "Feature":
		if !allowFeature {
			break
		}
		if isNull(g.Geometry) {
			return nil, errors.New("feature has no geometry")
		}
		return parseGeometry(g.Geometry, false)
	case "":
		return nil, errors.New(`geometry has no "type"`)
	}
	return nil, fmt.Errorf("unsupported geometry type %q (want Polygon or MultiPolygon)", g.Type)
}

// decodeCoords unmarshals the coordinates member into dst.
func decodeCoords(raw json.RawMessage, dst any) error {
	if isNull(raw) {
		return errors.New(`geometry has no "coordinates"`)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("malformed coordinates: %v", err)
	}
	return nil
}

// isNull reports whether a member was absent or JSON null.
func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// polygonFrom validates and converts one polygon's rings; where prefixes errors.
func polygonFrom(rings [][][]float64, where string) (orb.Polygon, error) {
	if len(rings) == 0 {
		if where == "" {
			where = "polygon "
		}
		return nil, fmt.Errorf("%shas no rings", where)
	}
	p := make(orb.Polygon, len(rings))
	for i, ring := range rings {
		r, err := ringFrom(ring)
		if err != nil {
			return nil, fmt.Errorf("%sring %d%s", where, i, err)
		}
		p[i] = r
	}
	return p, nil
}

// ringFrom validates one ring, closing it if its last position differs from
// its first. Errors start with the text that follows "ring N".
func ringFrom(pos [][]float64) (orb.Ring, error) {
	r := make(orb.Ring, 0, len(pos)+1)
	for i, c := range pos {
		if len(c) < 2 {
			return nil, fmt.Errorf(" position %d: want [longitude, latitude], got %d values", i, len(c))
		}
		if err := checkLngLat(c[0], c[1]); err != nil {
			return nil, fmt.Errorf(" position %d: %v", i, err)
		}
		r = append(r, orb.Point{c[0], c[1]})
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	if len(r) < 4 {
		return nil, fmt.Errorf(" has %d positions once closed, need at least 4", len(r))
	}
	// A ring that encloses next to nothing comes from bad digitising, and
	// would silently match no point; 1e-10 square degrees is about 1 m².
	var twiceArea float64
	for i := 1; i < len(r); i++ {
		twiceArea += (r[i-1][0]-r[0][0])*(r[i][1]-r[0][1]) - (r[i][0]-r[0][0])*(r[i-1][1]-r[0][1])
	}
	if math.Abs(twiceArea) < 2e-10 {
		return nil, errors.New(" encloses no area (under 1 m²)")
	}
	return r, nil
}

// checkLngLat rejects coordinates that cannot be a place on Earth, hinting at
// the most common cause, latitude and longitude given the wrong way round.
func checkLngLat(lng, lat float64) error {
	switch {
	case !finite(lng) || !finite(lat):
		return fmt.Errorf("coordinate (%v, %v) is not a finite number", lng, lat)
	case lng < -180 || lng > 180:
		return fmt.Errorf("longitude %v out of range [-180, 180]", lng)
	case lat < -90 || lat > 90:
		if lng >= -90 && lng <= 90 && lat >= -180 && lat <= 180 {
			return fmt.Errorf("latitude %v out of range [-90, 90] (longitude and latitude swapped?)", lat)
		}
		return fmt.Errorf("latitude %v out of range [-90, 90]", lat)
	}
	return nil
}
