package indicator

import (
	"slices"

	"github.com/zhili-project/zhili"
)

// Choices are the values a county definition's keys may take, as the checks of
// def.go and county.go know them, for a form to offer (http's county indicator
// page): the same lists, so the form and the checks cannot disagree.
type Choices struct {
	Sources, Formats, Aggs, OrgTables []string
	// Dates are the dates that place a record of each source in a period.
	Dates map[string][]string
}

// FormChoices returns the choices of a definition's keys.
func FormChoices() Choices {
	d := map[string][]string{}
	for k, v := range dates {
		d[k] = slices.Clone(v)
	}
	return Choices{Sources: []string{SourceCase, SourceLedger, SourceDept, SourceOrg}, Formats: slices.Clone(formats),
		Aggs: []string{AggCount, AggSum, AggDistinct, AggRatio, AggShare}, OrgTables: slices.Clone(orgTables), Dates: d}
}

// FilterFields are the fields a condition of a source may test (for org, of
// table org; for a ledger, of its schema): nil when any field of the schema may
// (ledger) or none (dept).
func FilterFields(source, org string) []string {
	switch source {
	case SourceCase:
		return slices.Clone(caseFields)
	case SourceOrg:
		out := slices.Clone(orgFields[org])
		if org == "regions" && !slices.Contains(out, "level") {
			out = append(out, "level")
		}
		return append(out, orgParamFields...)
	}
	return nil
}

// AggFields are the fields agg may use for a source (and org table, or
// ledger schema s): what sum adds up, what distinct counts.
func AggFields(source, org, agg string, s *zhili.LedgerSchema) []string {
	switch {
	case source == SourceCase && agg == AggSum:
		return slices.Clone(caseSums)
	case source == SourceCase && agg == AggDistinct:
		return slices.Clone(caseFields)
	case source == SourceOrg && agg == AggDistinct:
		return []string{"person_id"}
	case source == SourceLedger && s != nil && (agg == AggSum || agg == AggShare || agg == AggDistinct):
		var out []string
		if agg == AggDistinct {
			out = append(out, "@region")
		}
		for _, f := range s.Fields {
			if agg == AggDistinct || f.Type == zhili.FieldInteger || f.Type == zhili.FieldMoney {
				out = append(out, f.ID)
			}
		}
		return out
	}
	return nil
}
