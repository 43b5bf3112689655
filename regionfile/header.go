package regionfile

import (
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// field is a column Parse knows.
type field int

// The known columns; their identifiers are in fieldIDs.
const (
	fCode field = iota
	fName
	fParent
	fLevel
	fKind
	fCountySeat
	numFields
)

// fieldIDs are the identifiers FieldError.Field carries, one per field.
var fieldIDs = [numFields]string{"code", "name", "parent_code", "level", "kind", "county_seat"}

// fieldLabels are the Chinese column names, used in reasons.
var fieldLabels = [numFields]string{"代码", "名称", "上级代码", "层级", "类型", "县城"}

// alias is what a header names: a field, and a rank that decides between two
// columns for the same field (lower wins; villages.csv has streetCode and areaCode).
type alias struct {
	field field
	rank  int
}

// aliases maps folded header text (see fold) to the field it names.
var aliases = map[string]alias{
	"code": {fCode, 0}, "代码": {fCode, 0}, "区划代码": {fCode, 0},
	"统计用区划代码": {fCode, 0}, "行政区划代码": {fCode, 0},

	"name": {fName, 0}, "名称": {fName, 0}, "区划名称": {fName, 0}, "单位名称": {fName, 0},

	"parentcode": {fParent, 0}, "parent": {fParent, 0}, "上级代码": {fParent, 0},
	"上级区划代码": {fParent, 0}, "上级": {fParent, 0},
	"streetcode": {fParent, 1}, "areacode": {fParent, 2}, "citycode": {fParent, 3},

	"level": {fLevel, 0}, "层级": {fLevel, 0}, "级别": {fLevel, 0},

	"kind": {fKind, 0}, "类型": {fKind, 0}, "类别": {fKind, 0},

	"countyseat": {fCountySeat, 0}, "县城": {fCountySeat, 0}, "是否县城": {fCountySeat, 0},
}

// fold lowers header text and drops spaces, underscores and hyphens, so that
// parent_code, parentCode and "Parent Code" match.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '\uFEFF', '\u3000':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// header is the parsed header row: which cell holds each field.
type header struct {
	line    int
	width   int
	generic bool              // a level or kind column: the generic form
	col     [numFields]int    // cell index of each field, -1 if absent
	rank    [numFields]int    // alias rank of the chosen column
	text    [numFields]string // the header cell as written
}

// parseHeader reads the header row found on the given line.
func parseHeader(rec []string, line int) (*header, error) {
	h := &header{line: line, width: len(rec)}
	for f := range h.col {
		h.col[f] = -1
	}
	var fields []zhili.FieldError
	for i, cell := range rec {
		text := strings.TrimSpace(strings.TrimPrefix(cell, "\uFEFF"))
		a, ok := aliases[fold(text)]
		switch {
		case !ok:
			continue
		case h.col[a.field] < 0 || a.rank < h.rank[a.field]:
			h.col[a.field], h.rank[a.field], h.text[a.field] = i, a.rank, text
		case a.rank == h.rank[a.field]:
			fields = append(fields, zhili.FieldError{Row: line, Column: text, Field: fieldIDs[a.field],
				Code: "duplicate", Reason: fmt.Sprintf("column %q names %s, like column %q", text, fieldIDs[a.field], h.text[a.field])})
		}
	}
	h.generic = h.col[fLevel] >= 0 || h.col[fKind] >= 0
	required := []field{fCode, fName, fParent}
	if h.generic {
		required = append(required, fLevel, fKind)
	}
	var missing []string
	for _, f := range required {
		if h.col[f] >= 0 {
			continue
		}
		missing = append(missing, fieldIDs[f])
		reason := fmt.Sprintf("the header has no %s column (%s)", fieldIDs[f], fieldLabels[f])
		if _, _, err := NormalizeCode(rec[0]); err == nil {
			reason += "; the first row must be a header such as code,name,parent_code"
		}
		fields = append(fields, zhili.FieldError{Row: line, Field: fieldIDs[f], Code: "required", Reason: reason})
	}
	switch {
	case len(missing) > 0:
		noun := "columns"
		if len(missing) == 1 {
			noun = "column"
		}
		return nil, zhili.Invalid(fmt.Sprintf("region file is missing %s %s", noun, strings.Join(missing, ", ")), fields...)
	case len(fields) > 0:
		return nil, zhili.Invalid("region file header names a column twice", fields...)
	}
	return h, nil
}

// cell returns the trimmed value of field f in a record, or "" if the column is absent.
func (h *header) cell(rec []string, f field) string {
	if h.col[f] < 0 {
		return ""
	}
	return strings.TrimSpace(rec[h.col[f]])
}
