package geo

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseGeometry(t *testing.T) {
	closed := orb.Ring{{113.1, 34.1}, {113.2, 34.1}, {113.2, 34.2}, {113.1, 34.1}}
	tests := []struct {
		name string
		in   string
		want orb.MultiPolygon
	}{
		{"polygon", `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.1],[113.2,34.2],[113.1,34.1]]]}`,
			orb.MultiPolygon{{closed}}},
		{"unclosed ring is closed", `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.1],[113.2,34.2]]]}`,
			orb.MultiPolygon{{closed}}},
		{"altitude dropped", `{"type":"Polygon","coordinates":[[[113.1,34.1,80],[113.2,34.1,81],[113.2,34.2,82],[113.1,34.1,80]]]}`,
			orb.MultiPolygon{{closed}}},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[113.1,34.1],[113.2,34.1],[113.2,34.2],[113.1,34.1]]],[[[113.1,34.1],[113.2,34.1],[113.2,34.2]]]]}`,
			orb.MultiPolygon{{closed}, {closed}}},
		{"feature", `{"type":"Feature","properties":{"code":"x"},"geometry":{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.1],[113.2,34.2],[113.1,34.1]]]}}`,
			orb.MultiPolygon{{closed}}},
	}
	for _, tt := range tests {
		got, err := ParseGeometry([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseGeometryErrors(t *testing.T) {
	const tri = `[[113.1,34.1],[113.2,34.1],[113.2,34.2],[113.1,34.1]]`
	tests := []struct {
		name, in, want string
	}{
		{"not json", `{"type":`, "not valid GeoJSON"},
		{"array", `[1,2]`, "not valid GeoJSON"},
		{"no type", `{"coordinates":[]}`, `no "type"`},
		{"point", `{"type":"Point","coordinates":[113,34]}`, `unsupported geometry type "Point"`},
		{"lower-case type", `{"type":"polygon","coordinates":[` + tri + `]}`, `unsupported geometry type "polygon"`},
		{"no coordinates", `{"type":"Polygon"}`, `no "coordinates"`},
		{"null coordinates", `{"type":"Polygon","coordinates":null}`, `no "coordinates"`},
		{"wrong nesting", `{"type":"Polygon","coordinates":[[113,34]]}`, "malformed coordinates"},
		{"string number", `{"type":"Polygon","coordinates":[[["113",34]]]}`, "malformed coordinates"},
		{"huge number", `{"type":"Polygon","coordinates":[[[1e400,34],[1,2],[3,4]]]}`, "malformed coordinates"},
		{"no rings", `{"type":"Polygon","coordinates":[]}`, "polygon has no rings"},
		{"empty multipolygon", `{"type":"MultiPolygon","coordinates":[]}`, "MultiPolygon has no polygons"},
		{"multipolygon part without rings", `{"type":"MultiPolygon","coordinates":[[` + tri + `],[]]}`, "polygon 1 has no rings"},
		{"short position", `{"type":"Polygon","coordinates":[[[113.1],[113.2,34.1],[113.2,34.2]]]}`, "ring 0 position 0: want [longitude, latitude], got 1 values"},
		{"too few positions", `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.1],[113.1,34.1]]]}`, "ring 0 has 3 positions once closed, need at least 4"},
		{"empty ring", `{"type":"Polygon","coordinates":[[]]}`, "ring 0 has 0 positions"},
		{"longitude", `{"type":"Polygon","coordinates":[` + tri + `,[[113.1,34.1],[190,34.1],[113.2,34.2]]]}`, "ring 1 position 1: longitude 190 out of range [-180, 180]"},
		{"latitude", `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,-91],[113.2,34.2]]]}`, "ring 0 position 1: latitude -91 out of range [-90, 90]"},
		{"swapped", `{"type":"Polygon","coordinates":[[[34.1,113.1],[34.1,113.2],[34.2,113.2]]]}`, "longitude and latitude swapped?"},
		{"in a multipolygon", `{"type":"MultiPolygon","coordinates":[[` + tri + `],[[[113.1,34.1],[113.2,34.1],[113.2,95]]]]}`, "polygon 1 ring 0 position 2: latitude 95"},
		{"collinear", `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.2],[113.3,34.3],[113.1,34.1]]]}`, "ring 0 encloses no area"},
		{"one point repeated", `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.1,34.1],[113.1,34.1],[113.1,34.1]]]}`, "ring 0 encloses no area"},
		{"feature without geometry", `{"type":"Feature","geometry":null}`, "feature has no geometry"},
		{"feature in feature", `{"type":"Feature","geometry":{"type":"Feature","geometry":null}}`, `unsupported geometry type "Feature"`},
		{"collection", `{"type":"FeatureCollection","features":[]}`, `unsupported geometry type "FeatureCollection"`},
	}
	for _, tt := range tests {
		_, err := ParseGeometry([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "geo: ") {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParseFeatureCollection(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":" G1 ","name":"一网格"},"geometry":{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.1],[113.2,34.2],[113.1,34.1]]]}},
		{"type":"Feature","properties":{"code":410102001002},"geometry":{"type": "MultiPolygon", "coordinates":[[[[113.1,34.1],[113.2,34.1],[113.2,34.2]]]]}}
	]}`
	fs, err := ParseFeatureCollection([]byte(in), "code")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Code != "G1" || fs[1].Code != "410102001002" {
		t.Fatalf("got %+v", fs)
	}
	if string(fs[1].Raw) != `{"type":"MultiPolygon","coordinates":[[[[113.1,34.1],[113.2,34.1],[113.2,34.2]]]]}` {
		t.Errorf("Raw = %s", fs[1].Raw)
	}
	if len(fs[1].Geometry[0][0]) != 4 {
		t.Errorf("Geometry ring not closed: %v", fs[1].Geometry)
	}

	empty, err := ParseFeatureCollection([]byte(`{"type":"FeatureCollection","features":[]}`), "code")
	if err != nil || len(empty) != 0 {
		t.Errorf("empty collection: %v, %v", empty, err)
	}
}

func TestParseFeatureCollectionErrors(t *testing.T) {
	const geom = `{"type":"Polygon","coordinates":[[[113.1,34.1],[113.2,34.1],[113.2,34.2],[113.1,34.1]]]}`
	in := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"A"},"geometry":` + geom + `},
		{"type":"Feature","properties":{"name":"x"},"geometry":` + geom + `},
		{"type":"Feature","properties":{"code":"B"},"geometry":{"type":"Point","coordinates":[1,2]}},
		{"type":"Feature","properties":{"code":"A"},"geometry":` + geom + `},
		{"type":"Feature","properties":{"code":"  "},"geometry":` + geom + `},
		{"type":"Feature","properties":{"code":true},"geometry":` + geom + `},
		{"type":"Feature","properties":{"code":"C"},"geometry":null},
		{"type":"Polygon","coordinates":[]},
		{"type":"Feature","properties":null,"geometry":` + geom + `},
		{"type":"Feature","properties":{"code":"D"},"geometry":` + geom + `}
	]}`
	_, err := ParseFeatureCollection([]byte(in), "code")
	var fes FeatureErrors
	if !errors.As(err, &fes) {
		t.Fatalf("error %v is not FeatureErrors", err)
	}
	want := []struct {
		index      int
		code, text string
	}{
		{1, "", `missing code property "code"`},
		{2, "B", `unsupported geometry type "Point"`},
		{3, "A", "duplicate code, already used by feature 0"},
		{4, "", `empty code property "code"`},
		{5, "", "must be a string or a number, got true"},
		{6, "C", "feature has no geometry"},
		{7, "", `type is "Polygon", want Feature`},
		{8, "", `missing code property "code"`},
	}
	if len(fes) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(fes), len(want), err)
	}
	for i, w := range want {
		e := fes[i]
		if e.Index != w.index || e.Code != w.code || !strings.Contains(e.Error(), w.text) {
			t.Errorf("error %d = %+v (%v), want feature %d code %q containing %q", i, *e, e, w.index, w.code, w.text)
		}
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "geo: 8 bad features: feature 1: missing") || !strings.Contains(msg, `feature 3 (code "A"): duplicate`) {
		t.Errorf("summary = %s", msg)
	}

	for _, bad := range []string{`[]`, `{"type":"Feature"}`, `{"type":"FeatureCollection","features":{}}`} {
		if _, err := ParseFeatureCollection([]byte(bad), "code"); err == nil || errors.As(err, &fes) {
			t.Errorf("%s: error %v, want a plain error", bad, err)
		}
	}
}
