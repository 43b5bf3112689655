package regionfile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// maxNameLen is the longest region name accepted, in characters.
const maxNameLen = 100

// Parse reads a region import file in the official or the generic form and returns its rows in file order, or a zhili EINVALID error listing every bad row.
func Parse(r io.Reader) ([]zhili.RegionRow, error) {
	text, err := readText(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.Comma = delimiter(text)

	var h *header
	for h == nil {
		rec, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return nil, zhili.Invalid("region file is empty")
		case errors.As(err, &pe):
			return nil, zhili.Invalid("region file header is not valid CSV", zhili.FieldError{
				Row: pe.StartLine, Field: "header", Code: "malformed", Reason: pe.Err.Error()})
		case err != nil:
			return nil, fmt.Errorf("regionfile: %w", err)
		case blank(rec):
			continue
		}
		line, _ := cr.FieldPos(0)
		if h, err = parseHeader(rec, line); err != nil {
			return nil, err
		}
	}

	p := &parser{h: h, seen: map[string]int{}}
	for {
		rec, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return p.result()
		case errors.As(err, &pe):
			p.fail(pe.StartLine, "", "row", "malformed", "the row is not valid CSV: "+pe.Err.Error())
			continue
		case err != nil:
			return nil, fmt.Errorf("regionfile: %w", err)
		case blank(rec):
			continue
		}
		line, _ := cr.FieldPos(0)
		p.row(rec, line)
	}
}

// delimiter is a tab when the first line has tabs but no commas, else a comma.
func delimiter(text string) rune {
	first, _, _ := strings.Cut(strings.TrimLeft(text, "\r\n"), "\n")
	if strings.Contains(first, "\t") && !strings.Contains(first, ",") {
		return '\t'
	}
	return ','
}

// blank reports whether every cell of a record is empty or spaces, as in the
// ",,,," rows Excel leaves below a table.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parser checks the data rows, collecting the good ones and every fault.
type parser struct {
	h      *header
	rows   []zhili.RegionRow
	seen   map[string]int // normalised code → the row it first appeared on
	faults []zhili.FieldError
	bad    int // rows with at least one fault
	last   int // the row of the last fault, for counting bad rows
}

// fail records a fault on a row; column is the field's header text, if any.
func (p *parser) fail(row int, column, field, code, reason string) {
	if p.bad == 0 || row != p.last {
		p.bad++
		p.last = row
	}
	p.faults = append(p.faults, zhili.FieldError{Row: row, Column: column, Field: field, Code: code, Reason: reason})
}

// failField records a fault on one of the header's fields.
func (p *parser) failField(row int, f field, code, reason string) {
	p.fail(row, p.h.text[f], fieldIDs[f], code, reason)
}

// result returns the rows, or the error listing every fault.
func (p *parser) result() ([]zhili.RegionRow, error) {
	if len(p.faults) > 0 {
		noun := "rows"
		if p.bad == 1 {
			noun = "row"
		}
		return nil, zhili.Invalid(fmt.Sprintf("region file has %d bad %s", p.bad, noun), p.faults...)
	}
	if len(p.rows) == 0 {
		return nil, zhili.Invalid("region file has a header but no rows")
	}
	return p.rows, nil
}

// row checks one data record found on the given line.
func (p *parser) row(rec []string, line int) {
	h := p.h
	if len(rec) < h.width || (len(rec) > h.width && !blank(rec[h.width:])) {
		p.fail(line, "", "row", "malformed", fmt.Sprintf("the row has %d fields but the header has %d", len(rec), h.width))
		return
	}
	faults := len(p.faults)
	row := zhili.RegionRow{Line: line}

	// The code, and the level it implies; level < 0 while unknown.
	level := zhili.RegionLevel(-1)
	if raw := h.cell(rec, fCode); raw == "" {
		p.failField(line, fCode, "required", "the code is empty")
	} else if code, l, err := NormalizeCode(raw); err != nil {
		p.failField(line, fCode, "malformed", zhili.ErrorMessage(err))
	} else {
		if first, dup := p.seen[code]; dup {
			p.failField(line, fCode, "duplicate", fmt.Sprintf("code %s already appears on row %d", code, first))
		} else {
			p.seen[code] = line
		}
		row.Code, level = code, l
	}

	row.Name = h.cell(rec, fName)
	if row.Name == "" {
		p.failField(line, fName, "required", "the name is empty")
	} else if n := utf8.RuneCountInString(row.Name); n > maxNameLen {
		p.failField(line, fName, "malformed", fmt.Sprintf("the name has %d characters; at most %d are allowed", n, maxNameLen))
	}

	if h.generic {
		level, row.Kind = p.declared(rec, line, row.Code, level)
	} else if level >= 0 {
		row.Kind = inferKind(level, row.Name)
	}
	row.Level = level

	if raw := h.cell(rec, fParent); raw != "" {
		parent, _, err := NormalizeCode(raw)
		want := ""
		if level >= 0 && row.Code != "" {
			want = parentOf(row.Code, level)
		}
		switch {
		case err != nil:
			p.failField(line, fParent, "malformed", "parent "+zhili.ErrorMessage(err))
		case level < 0 || row.Code == "":
			// The code is bad: its fault is already recorded.
		case want == "":
			p.failField(line, fParent, "bad_parent", fmt.Sprintf("%s %s is the top of the tree and has no parent, but the parent code is %s", level, row.Code, parent))
		case parent != want:
			p.failField(line, fParent, "bad_parent", fmt.Sprintf("parent code %s should be %s: the %s that %s %s belongs to", parent, want, level-1, level, row.Code))
		default:
			row.ParentCode = parent
		}
	} else if level >= zhili.LevelTownship {
		p.failField(line, fParent, "required", fmt.Sprintf("the parent code is empty; a %s needs the code of its %s", describe(level), level-1))
	}

	if raw := h.cell(rec, fCountySeat); raw != "" {
		seat, ok := parseBool(raw)
		if !ok {
			p.failField(line, fCountySeat, "malformed", fmt.Sprintf("county_seat %q is not true/false, 1/0 or 是/否", raw))
		}
		row.CountySeat = seat
	}

	if len(p.faults) == faults {
		p.rows = append(p.rows, row)
	}
}

// declared reads the level and kind columns of the generic form and checks them
// against the level the code implies (codeLevel, < 0 if the code is bad). It
// returns the level to use (< 0 if unknown) and the kind.
func (p *parser) declared(rec []string, line int, code string, codeLevel zhili.RegionLevel) (zhili.RegionLevel, zhili.RegionKind) {
	level := zhili.RegionLevel(-1)
	if raw := p.h.cell(rec, fLevel); raw == "" {
		p.failField(line, fLevel, "required", "the level is empty")
	} else if l, ok := parseLevel(raw); !ok {
		p.failField(line, fLevel, "unknown_level", fmt.Sprintf("level %q is not one of 0–4, city, county, township, village, grid or 市, 县, 乡镇, 村, 网格", raw))
	} else if codeLevel >= 0 && !compatible(codeLevel, l) {
		p.failField(line, fLevel, "level_mismatch", fmt.Sprintf("the level is %s but code %s is a %s", describe(l), code, describe(codeLevel)))
	} else {
		level = l
	}

	var kind zhili.RegionKind
	if raw := p.h.cell(rec, fKind); raw == "" {
		p.failField(line, fKind, "required", "the kind is empty")
	} else if k, ok := parseKind(raw); !ok {
		p.failField(line, fKind, "unknown_kind", fmt.Sprintf("kind %q is not one of county, town, street, village, community, comprehensive, dedicated or 县, 镇, 乡, 街道, 村, 社区, 综合网格, 专属网格", raw))
	} else if level >= 0 && !zhili.ValidKind(level, k) {
		p.failField(line, fKind, "kind_mismatch", fmt.Sprintf("kind %s (%s) cannot be at level %s", k, k.Label(), describe(level)))
	} else {
		kind = k
	}
	return level, kind
}
