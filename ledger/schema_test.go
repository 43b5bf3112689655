package ledger_test

import (
	"testing"
	"testing/fstest"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// Every ledger FIGURES.md names is shipped, with the fields its figures filter
// and aggregate on, of the right type.
func TestDefaultSchemasCoverTheFigures(t *testing.T) {
	t.Parallel()
	c := ledger.Default()
	want := map[string]map[string]zhili.LedgerFieldType{
		"meetings":              {"kind": zhili.FieldEnum, "pilot_related": zhili.FieldBoolean},
		"oversight":             {"suggestions": zhili.FieldInteger, "rectified": zhili.FieldInteger},
		"party_service_centers": {"standardized": zhili.FieldBoolean},
		"practical_deeds":       {"status": zhili.FieldEnum},
		"pairings":              {"person": zhili.FieldPerson, "role": zhili.FieldEnum},
		"village_income":        {"income": zhili.FieldMoney, "year": zhili.FieldInteger},
		"commando_teams":        {"name": zhili.FieldText},
		"pioneer_posts":         {"name": zhili.FieldText},
		"sunk_cadres":           {"person": zhili.FieldPerson, "role": zhili.FieldEnum},
		"conventions":           {"kind": zhili.FieldEnum},
		"selfgov_orgs":          {"kind": zhili.FieldEnum},
		"video_resources":       {"channels": zhili.FieldInteger},
		"school_alarms":         {"linked": zhili.FieldBoolean},
		"smart_communities":     {"population": zhili.FieldInteger},
		"housing_registration":  {"difficult": zhili.FieldBoolean, "first_registration_done": zhili.FieldBoolean, "units": zhili.FieldInteger},
		"assistance_payouts":    {"recipient": zhili.FieldPerson, "amount": zhili.FieldMoney},
		"legal_literates":       {"person": zhili.FieldPerson},
		"legal_publicity":       {"kind": zhili.FieldEnum},
		"legal_consultations":   {"people": zhili.FieldInteger},
		"culture_squares":       {"kind": zhili.FieldEnum},
		"honours":               {"kind": zhili.FieldEnum, "level": zhili.FieldEnum, "batch": zhili.FieldInteger},
		"government_advisers":   {"engaged_by": zhili.FieldEnum, "person": zhili.FieldPerson},
		"trainings":             {"mode": zhili.FieldEnum, "backbone": zhili.FieldBoolean, "trainees": zhili.FieldInteger, "audience": zhili.FieldEnum},
		"credit_disclosures":    {"kind": zhili.FieldEnum},
	}
	if got := len(c.Schemas()); got != len(want) {
		t.Errorf("shipped %d schemas, want %d", got, len(want))
	}
	for name, fields := range want {
		s, err := c.Schema(name)
		if err != nil {
			t.Errorf("schema %s: %v", name, err)
			continue
		}
		if d := s.Field(s.DateField); d == nil || d.Type != zhili.FieldDate {
			t.Errorf("%s: date field %q is not a date", name, s.DateField)
		}
		for id, typ := range fields {
			if f := s.Field(id); f == nil || f.Type != typ {
				t.Errorf("%s.%s: want a %s field, have %+v", name, id, typ, f)
			}
		}
	}
	m, _ := c.Schema("meetings")
	for _, code := range []string{"standing_committee", "government_executive", "joint_four_leaderships"} {
		if m.Field("kind").OptionLabel(code) == code {
			t.Errorf("meetings.kind has no option %s", code)
		}
	}
	if _, err := c.Schema("nope"); zhili.ErrorCode(err) != zhili.ENOTFOUND {
		t.Errorf("unknown ledger: %v, want ENOTFOUND", err)
	}
}

// Broken schema files are refused at load, each with the reason.
func TestLoadRefusesBrokenSchemas(t *testing.T) {
	t.Parallel()
	date := `{"id": "date", "label": "日期", "type": "date", "required": true}`
	for name, body := range map[string]string{
		"unknown type":        `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `, {"id": "a", "label": "A", "type": "colour"}]}`,
		"enum without option": `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `, {"id": "a", "label": "A", "type": "enum"}]}`,
		"no date field":       `{"name": "x", "label": "X", "date_field": "when", "fields": [` + date + `]}`,
		"duplicate label":     `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `, {"id": "a", "label": "日期", "type": "text"}]}`,
		"range on text":       `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `, {"id": "a", "label": "A", "type": "text", "min": 1}]}`,
		"reserved id":         `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `, {"id": "region", "label": "A", "type": "text"}]}`,
		"unknown key":         `{"name": "x", "label": "X", "date_field": "date", "colour": 1, "fields": [` + date + `]}`,
		"bad max_field":       `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `, {"id": "a", "label": "A", "type": "integer", "max_field": "date"}]}`,
	} {
		fsys := fstest.MapFS{"s/x.json": {Data: []byte(body)}}
		if _, err := ledger.Load(fsys, "s"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	ok := `{"name": "x", "label": "X", "date_field": "date", "fields": [` + date + `]}`
	if _, err := ledger.Load(fstest.MapFS{"s/x.json": {Data: []byte(ok)}}, "s"); err != nil {
		t.Errorf("good schema refused: %v", err)
	}
	if _, err := ledger.Load(fstest.MapFS{"s/y.json": {Data: []byte(ok)}}, "s"); err == nil {
		t.Errorf("schema whose name differs from its file loaded")
	}
}
