// Package ledger holds the ledger (台账) schemas shipped with zhili and everything
// done with them outside the database: checking schemas, validating record data
// field by field with Chinese reasons, reading .csv (UTF-8 or GB18030) and .xlsx
// files all or nothing, and writing templates and exports. docs/ledgers.md
// describes the schema format.
package ledger

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/zhili-project/zhili"
)

//go:embed schemas/*.json
var embedded embed.FS

// Catalog is a set of checked schemas; it implements zhili.LedgerCatalog.
type Catalog struct {
	list   []*zhili.LedgerSchema
	byName map[string]*zhili.LedgerSchema
}

var _ zhili.LedgerCatalog = (*Catalog)(nil)

// Default loads the schemas embedded in the binary. They are checked by the
// package's tests, so a failure here is a programming error.
func Default() *Catalog {
	c, err := Load(embedded, "schemas")
	if err != nil {
		panic(err)
	}
	return c
}

// Load reads and checks every NAME.json schema in dir of fsys. The file name
// must equal the schema's name.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read ledger schemas: %w", err)
	}
	c := &Catalog{byName: map[string]*zhili.LedgerSchema{}}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		s, err := ParseSchema(b)
		if err != nil {
			return nil, fmt.Errorf("ledger schema %s: %w", e.Name(), err)
		}
		if s.Name+".json" != e.Name() {
			return nil, fmt.Errorf("ledger schema %s: name %q does not match the file name", e.Name(), s.Name)
		}
		c.list = append(c.list, s)
		c.byName[s.Name] = s
	}
	sort.Slice(c.list, func(i, j int) bool { return c.list[i].Name < c.list[j].Name })
	return c, nil
}

// Schemas lists every schema, by name.
func (c *Catalog) Schemas() []*zhili.LedgerSchema { return c.list }

// Schema returns one schema; ENOTFOUND for an unknown ledger.
func (c *Catalog) Schema(name string) (*zhili.LedgerSchema, error) {
	s, ok := c.byName[name]
	if !ok {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "没有名为 %q 的台账。", name)
	}
	return s, nil
}

var identRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// reserved are column names that import files use for the record itself.
var reserved = map[string]bool{"id": true, "region": true, "region_id": true, "region_code": true,
	"region_name": true, "version": true, "seq": true}

// ParseSchema decodes one schema and checks it: identifiers, labels, known types,
// options for enums only, sane ranges, and a required date field.
func ParseSchema(b []byte) (*zhili.LedgerSchema, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var s zhili.LedgerSchema
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if !identRe.MatchString(s.Name) {
		return nil, fmt.Errorf("name %q: lower-case letters, digits and _", s.Name)
	}
	if strings.TrimSpace(s.Label) == "" {
		return nil, fmt.Errorf("label is required")
	}
	if len(s.Fields) == 0 {
		return nil, fmt.Errorf("no fields")
	}
	seenID, seenLabel := map[string]bool{}, map[string]bool{}
	for i := range s.Fields {
		f := &s.Fields[i]
		if !identRe.MatchString(f.ID) || reserved[f.ID] {
			return nil, fmt.Errorf("field %q: not a usable identifier", f.ID)
		}
		if strings.TrimSpace(f.Label) == "" {
			return nil, fmt.Errorf("field %s: label is required", f.ID)
		}
		if seenID[f.ID] || seenLabel[f.Label] {
			return nil, fmt.Errorf("field %s: duplicate id or label", f.ID)
		}
		seenID[f.ID], seenLabel[f.Label] = true, true
		if err := checkField(f); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.ID, err)
		}
	}
	for _, f := range s.Fields {
		if f.MaxField != "" {
			m := s.Field(f.MaxField)
			if m == nil || !numeric(m.Type) || m.Type != f.Type {
				return nil, fmt.Errorf("field %s: max_field %q must be a numeric field of the same type", f.ID, f.MaxField)
			}
		}
	}
	d := s.Field(s.DateField)
	if d == nil || d.Type != zhili.FieldDate || !d.Required {
		return nil, fmt.Errorf("date_field %q must name a required date field", s.DateField)
	}
	return &s, nil
}

func numeric(t zhili.LedgerFieldType) bool {
	return t == zhili.FieldInteger || t == zhili.FieldMoney || t == zhili.FieldDecimal
}

func checkField(f *zhili.LedgerField) error {
	switch f.Type {
	case zhili.FieldText, zhili.FieldInteger, zhili.FieldMoney, zhili.FieldDecimal, zhili.FieldDate,
		zhili.FieldEnum, zhili.FieldBoolean, zhili.FieldRegion, zhili.FieldPerson:
	default:
		return fmt.Errorf("unknown type %q", f.Type)
	}
	if (f.Type == zhili.FieldEnum) != (len(f.Options) > 0) {
		return fmt.Errorf("options belong to enum fields, and every enum needs them")
	}
	codes, labels := map[string]bool{}, map[string]bool{}
	for _, o := range f.Options {
		if !identRe.MatchString(o.Code) || o.Label == "" || codes[o.Code] || labels[o.Label] {
			return fmt.Errorf("option %q/%q: bad or duplicate code or label", o.Code, o.Label)
		}
		codes[o.Code], labels[o.Label] = true, true
	}
	if (f.Min != nil || f.Max != nil) && !numeric(f.Type) {
		return fmt.Errorf("min and max belong to numeric fields")
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		return fmt.Errorf("min above max")
	}
	if f.MaxLength < 0 || (f.MaxLength > 0 && f.Type != zhili.FieldText) {
		return fmt.Errorf("max_length belongs to text fields")
	}
	return nil
}
