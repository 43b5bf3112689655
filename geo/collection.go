package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// Feature is one grid boundary read from a FeatureCollection.
type Feature struct {
	Code     string           // from the code property, trimmed of spaces
	Geometry orb.MultiPolygon // validated, rings closed, altitude dropped
	// Raw is the geometry object exactly as uploaded, minus insignificant
	// whitespace, so the original can be stored and served back; it may
	// hold unclosed rings or altitudes that Geometry has normalised.
	Raw json.RawMessage
}

// FeatureError says which feature of a collection is bad and why.
type FeatureError struct {
	Index int    // position in the "features" array, counting from 0
	Code  string // the feature's code, when it had one
	Err   error  // the reason
}

// Error renders the problem with its feature index and code.
func (e *FeatureError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("geo: feature %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("geo: feature %d (code %q): %v", e.Index, e.Code, e.Err)
}

// Unwrap returns the underlying reason.
func (e *FeatureError) Unwrap() error { return e.Err }

// FeatureErrors lists every bad feature of a collection, so one upload
// reports all its problems rather than the first.
type FeatureErrors []*FeatureError

// Error summarises the list, naming the first few features.
func (es FeatureErrors) Error() string {
	const shown = 10
	parts := make([]string, 0, shown+1)
	for i, e := range es {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(es)-shown))
			break
		}
		parts = append(parts, strings.TrimPrefix(e.Error(), "geo: "))
	}
	return fmt.Sprintf("geo: %d bad features: %s", len(es), strings.Join(parts, "; "))
}

// ParseFeatureCollection decodes a GeoJSON FeatureCollection of grid
// boundaries, taking each feature's code from properties[codeProperty] (a
// string, or a number kept as written). It is all or nothing: if any feature
// lacks a code, repeats one or has a bad geometry, it returns a FeatureErrors
// naming each of them and no features.
func ParseFeatureCollection(raw []byte, codeProperty string) ([]Feature, error) {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("geo: not a valid GeoJSON FeatureCollection: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geo: GeoJSON type is %q, want FeatureCollection", fc.Type)
	}
	out := make([]Feature, 0, len(fc.Features))
	var bad FeatureErrors
	firstIndex := make(map[string]int, len(fc.Features))
	for i, rawFeature := range fc.Features {
		f, err := parseFeature(rawFeature, codeProperty)
		if err == nil {
			if j, dup := firstIndex[f.Code]; dup {
				err = fmt.Errorf("duplicate code, already used by feature %d", j)
			} else {
				firstIndex[f.Code] = i
			}
		}
		if err != nil {
			bad = append(bad, &FeatureError{Index: i, Code: f.Code, Err: err})
			continue
		}
		out = append(out, f)
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return out, nil
}

// parseFeature reads one feature; on error the returned Feature still carries
// the code if one was found, so the error can name it.
func parseFeature(raw json.RawMessage, codeProperty string) (Feature, error) {
	var f struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
		Geometry   json.RawMessage            `json:"geometry"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return Feature{}, fmt.Errorf("not a valid GeoJSON Feature: %v", err)
	}
	if f.Type != "Feature" {
		return Feature{}, fmt.Errorf("type is %q, want Feature", f.Type)
	}
	code, err := codeFrom(f.Properties[codeProperty], codeProperty)
	if err != nil {
		return Feature{}, err
	}
	out := Feature{Code: code}
	if isNull(f.Geometry) {
		return out, errors.New("feature has no geometry")
	}
	if out.Geometry, err = parseGeometry(f.Geometry, false); err != nil {
		return out, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, f.Geometry); err != nil {
		return out, err // unreachable: the geometry already decoded
	}
	out.Raw = compact.Bytes()
	return out, nil
}

// codeFrom reads the code property. Numbers are kept as written because
// codes such as 410102001001 are identifiers, not quantities.
func codeFrom(raw json.RawMessage, name string) (string, error) {
	if isNull(raw) {
		return "", fmt.Errorf("missing code property %q", name)
	}
	var code string
	switch raw = bytes.TrimSpace(raw); raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &code); err != nil {
			return "", fmt.Errorf("code property %q: %v", name, err)
		}
		code = strings.TrimSpace(code)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		code = string(raw)
	default:
		return "", fmt.Errorf("code property %q must be a string or a number, got %s", name, raw)
	}
	if code == "" {
		return "", fmt.Errorf("empty code property %q", name)
	}
	return code, nil
}
