package http

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/zhili-project/zhili"
)

// The JSON Schema generator of the OpenAPI document (openapi.go): Go types become
// schemas by the rules encoding/json uses to write them, so the document follows
// the code. A response field without omitempty is required (it is always
// written); a pointer field without omitempty is nullable. Request bodies are
// decoded strictly (unknown fields are an error), so their schemas forbid extra
// properties and require nothing: which fields an action needs is the services'
// business and is in the summaries and docs/api.md.

// schema is one JSON Schema (2020-12, as OpenAPI 3.1 uses it).
type schema = map[string]any

// schemaGen turns Go types into schemas, collecting named struct and enum types
// as components referenced by $ref.
type schemaGen struct {
	comps map[string]schema
	// names holds each component's name by type and mode (input or not); taken
	// holds the types behind each name, to keep two types off one name.
	names map[genKey]string
	taken map[string]genKey
}

type genKey struct {
	t     reflect.Type
	input bool
}

func newSchemaGen() *schemaGen {
	return &schemaGen{comps: map[string]schema{}, names: map[genKey]string{}, taken: map[string]genKey{}}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schemaEnums are the values of the domain's named string (and int) types that
// have a list of values: each becomes a component with an enum.
func schemaEnums() map[reflect.Type][]any {
	m := map[reflect.Type][]any{}
	add := func(t reflect.Type, v any) { m[t] = append(m[t], v) }
	for _, k := range zhili.CaseKinds {
		add(reflect.TypeOf(k.Kind), string(k.Kind))
	}
	for _, s := range zhili.CaseSources {
		add(reflect.TypeOf(s.Source), string(s.Source))
	}
	for _, r := range zhili.Risks {
		add(reflect.TypeOf(r.Risk), string(r.Risk))
	}
	for _, s := range zhili.CaseStates {
		add(reflect.TypeOf(s.State), string(s.State))
	}
	actions := make([]string, 0, len(zhili.CaseActionLabels))
	for a := range zhili.CaseActionLabels {
		actions = append(actions, string(a))
	}
	sort.Strings(actions)
	for _, a := range actions {
		add(reflect.TypeFor[zhili.CaseAction](), a)
	}
	for _, r := range zhili.Roles {
		add(reflect.TypeOf(r.Role), string(r.Role))
	}
	for _, r := range zhili.PositionRoles {
		add(reflect.TypeOf(r.Role), string(r.Role))
	}
	for _, k := range zhili.UnitKinds {
		add(reflect.TypeOf(k), string(k))
	}
	for _, l := range []zhili.RegionLevel{zhili.LevelCity, zhili.LevelCounty, zhili.LevelTownship, zhili.LevelVillage, zhili.LevelGrid} {
		add(reflect.TypeOf(l), int(l))
	}
	for _, w := range []zhili.DueWarning{zhili.WarnNone, zhili.WarnYellow, zhili.WarnRed} {
		add(reflect.TypeOf(w), string(w))
	}
	for _, q := range []zhili.QueueReason{zhili.QueueHold, zhili.QueueSupervise, zhili.QueueExtension, zhili.QueueOverdue} {
		add(reflect.TypeOf(q), string(q))
	}
	for _, s := range []zhili.TaskState{zhili.TaskOpen, zhili.TaskDone, zhili.TaskCancelled} {
		add(reflect.TypeOf(s), string(s))
	}
	return m
}

var enumValues = schemaEnums()

// emptyEnumFields are the enum-typed fields, by struct and property, that may
// also be empty: a report (event) has no state before it; an action may leave
// out the state the caller saw.
var emptyEnumFields = map[string]bool{"CaseEvent.from_state": true, "Event.from_state": true, "CaseAct.from": true}

// of returns the schema of t; input selects the request-body form.
func (g *schemaGen) of(t reflect.Type, input bool) schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return schema{"type": "string", "format": "date-time"}
	case t == rawType:
		return schema{"description": "any JSON value"}
	}
	if vals, ok := enumValues[t]; ok {
		return g.ref(t, false, func() schema {
			typ := "string"
			if t.Kind() == reflect.Int {
				typ = "integer"
			}
			return schema{"type": typ, "enum": vals}
		})
	}
	switch t.Kind() {
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return schema{"type": "integer"}
	case reflect.Int64, reflect.Uint64:
		return schema{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return schema{"type": "number"}
	case reflect.String:
		return schema{"type": "string"}
	case reflect.Interface:
		return schema{"description": "any JSON value"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return schema{"type": "string", "contentEncoding": "base64"}
		}
		return schema{"type": "array", "items": g.of(t.Elem(), input)}
	case reflect.Map:
		return schema{"type": "object", "additionalProperties": g.of(t.Elem(), input)}
	case reflect.Struct:
		// Generic and anonymous structs are written in place; named ones once.
		if t.Name() == "" || strings.Contains(t.Name(), "[") {
			return g.object(t, input)
		}
		return g.ref(t, input, func() schema { return g.object(t, input) })
	}
	return schema{"description": "any JSON value"}
}

// ref registers t as a component (built by build on first use) and returns a
// reference to it.
func (g *schemaGen) ref(t reflect.Type, input bool, build func() schema) schema {
	k := genKey{t, input}
	name, ok := g.names[k]
	if !ok {
		name = g.name(t, input)
		g.names[k], g.taken[name] = name, k
		g.comps[name] = schema{} // a placeholder, so recursive types end
		g.comps[name] = build()
	}
	return schema{"$ref": "#/components/schemas/" + name}
}

// name is a component name: the type's name, capitalised, with Input for request
// forms; the package in front when two types would share a name.
func (g *schemaGen) name(t reflect.Type, input bool) string {
	r := []rune(t.Name())
	r[0] = unicode.ToUpper(r[0])
	n := string(r)
	if input && !strings.HasSuffix(n, "Input") {
		n += "Input"
	}
	if _, clash := g.taken[n]; clash {
		pkg := t.PkgPath()
		n = pkg[strings.LastIndex(pkg, "/")+1:] + "." + n
	}
	return n
}

// object is the schema of a struct's JSON object.
func (g *schemaGen) object(t reflect.Type, input bool) schema {
	props := schema{}
	var required []string
	for _, f := range jsonFields(t) {
		s := g.of(f.typ, input)
		switch k := f.typ.Kind(); {
		case f.omitempty:
		case k == reflect.Pointer, k == reflect.Map, k == reflect.Slice && f.typ.Elem().Kind() != reflect.Uint8:
			s = nullable(s) // a nil pointer, map or slice is written as null
		}
		if emptyEnumFields[t.Name()+"."+f.name] {
			s = schema{"anyOf": []any{s, schema{"const": ""}}}
		}
		props[f.name] = s
		if !f.omitempty && !input {
			required = append(required, f.name)
		}
	}
	out := schema{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	if input {
		out["additionalProperties"] = false
	}
	return out
}

// nullable lets s also be null, as a nil pointer is written.
func nullable(s schema) schema {
	if typ, ok := s["type"].(string); ok {
		out := schema{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []any{typ, "null"}
		return out
	}
	if _, ok := s["$ref"]; ok {
		return schema{"anyOf": []any{s, schema{"type": "null"}}}
	}
	return s // already any value
}

// jsonField is one property of a struct as encoding/json writes it.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitempty bool
	depth     int
	tagged    bool
}

// jsonFields lists a struct's properties in field order, following encoding/json:
// embedded structs without a name lift their fields, and of fields with the same
// name the shallowest wins (a tagged one breaks a tie; otherwise none is written).
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, depth+1, seen)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			f := jsonField{name: name, typ: ft, depth: depth, tagged: name != ""}
			if f.name == "" {
				f.name = sf.Name
			}
			for _, o := range strings.Split(opts, ",") {
				f.omitempty = f.omitempty || o == "omitempty" || o == "omitzero"
			}
			all = append(all, f)
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
	var out []jsonField
	for _, f := range all {
		win, ok := f, true
		for _, o := range all {
			if o.name != f.name || o == f {
				continue
			}
			switch {
			case o.depth < f.depth, o.depth == f.depth && o.tagged && !f.tagged:
				ok = false
			case o.depth == f.depth && o.tagged == f.tagged:
				ok = false
			}
		}
		if ok {
			out = append(out, win)
		}
	}
	return out
}
