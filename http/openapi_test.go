package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestOpenAPIEveryRouteDocumented fails when a route has no entry in the apiDocs
// tables (openapi_routes_*.go) or an entry names no route.
func TestOpenAPIEveryRouteDocumented(t *testing.T) {
	t.Parallel()
	docs := apiDocs()
	routes := map[string]bool{}
	for _, r := range NewServer().apiRoutes() {
		routes[r.pattern] = true
		d, ok := docs[r.pattern]
		if !ok {
			t.Errorf("route %q has no entry in apiDocs (http/openapi_routes_*.go): describe it", r.pattern)
			continue
		}
		if d.summary == "" || d.zh == "" || d.tag == "" || d.perm == "" {
			t.Errorf("%s: summary, zh, tag and perm are required: %+v", r.pattern, d)
		}
		if tagDescriptions[d.tag] == "" {
			t.Errorf("%s: tag %q has no description in tagDescriptions", r.pattern, d.tag)
		}
		if d.resp != nil && d.file != "" {
			t.Errorf("%s: a JSON answer or a file, not both", r.pattern)
		}
	}
	for p := range docs {
		if !routes[p] {
			t.Errorf("apiDocs has %q but apiRoutes has no such route", p)
		}
	}
}

// fetchOpenAPI reads the document as an anonymous client.
func fetchOpenAPI(t *testing.T, e *testEnv) map[string]any {
	t.Helper()
	status, body := e.do(t, "", "GET", "/api/v1/openapi.json", nil)
	if status != 200 {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", status, body)
	}
	doc, err := decodeNumbers(body)
	if err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatalf("the document is not an object")
	}
	return m
}

func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// TestOpenAPIDocument checks the served document: OpenAPI 3.1.0, every route a
// path and method, every $ref resolving, operation ids unique.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	doc := fetchOpenAPI(t, e)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	paths, _ := doc["paths"].(map[string]any)
	n := 0
	for _, r := range e.server.apiRoutes() {
		method, path, _ := strings.Cut(r.pattern, " ")
		op, ok := lookup(paths, path, strings.ToLower(method)).(map[string]any)
		if !ok {
			t.Errorf("%s: not in the document", r.pattern)
			continue
		}
		n++
		for _, seg := range strings.Split(path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok && !hasParam(op, strings.TrimSuffix(name, "}")) {
				t.Errorf("%s: path parameter %s not declared", r.pattern, seg)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d operations", n)
	}
	ids := map[string]string{}
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			id, _ := op.(map[string]any)["operationId"].(string)
			if prev, dup := ids[id]; dup || id == "" {
				t.Errorf("operationId %q of %s %s not unique (also %s)", id, method, path, prev)
			}
			ids[id] = method + " " + path
		}
	}
	var walk func(v any, at string)
	refs := 0
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if resolve(doc, ref) == nil {
					t.Errorf("%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, fmt.Sprint(at, "/", i))
			}
		}
	}
	walk(doc, "#")
	if refs == 0 {
		t.Error("no $ref at all")
	}
	for _, name := range []string{"Case", "CaseState", "ErrorBody", "CaseReportInput", "Region"} {
		if resolve(doc, "#/components/schemas/"+name) == nil {
			t.Errorf("components/schemas/%s missing", name)
		}
	}
}

func hasParam(op map[string]any, name string) bool {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		if p := p.(map[string]any); p["name"] == name && p["in"] == "path" {
			return true
		}
	}
	return false
}

// lookup walks nested objects by keys; nil when a key is missing.
func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// resolve follows a local $ref ("#/components/schemas/Case").
func resolve(doc map[string]any, ref string) any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	return lookup(doc, strings.Split(rest, "/")...)
}

// TestOpenAPIAnswersMatch calls every route of the access matrix as an account
// that may (in the matrix's order, so the same records exist) and checks that
// the status is one the document lists and that the JSON answer — success or
// error — validates against its schema. Objects are held to their declared
// properties: a field the code writes but the document lacks is drift.
func TestOpenAPIAnswersMatch(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			doc := fetchOpenAPI(t, e)
			_, personB := e.people(t)
			ids := accessIDs{personB: personB}
			ids.caseB, ids.caseAccB, ids.searchB = e.casesB(t)
			for _, u := range accessUsers {
				if u != "" {
					e.login(t, u)
				}
			}
			validated := map[string]bool{}
			for _, row := range accessRows {
				u, ok := allowedUser(row)
				if !ok {
					continue
				}
				var body any
				if row.body != nil {
					body = row.body(e, ids)
				}
				method, path, _ := strings.Cut(row.pattern, " ")
				op, _ := lookup(doc, "paths", path, strings.ToLower(method)).(map[string]any)
				if op == nil {
					t.Errorf("%s: not in the document", row.pattern)
					continue
				}
				got, out := e.do(t, e.tokens[u], row.method, row.path(e, ids), body)
				if in := lookup(op, "requestBody", "content", "application/json", "schema"); in != nil && body != nil && got < 300 {
					// A body the server took must fit the request schema too.
					b, _ := json.Marshal(body)
					v, _ := decodeNumbers(b)
					for _, msg := range validate(doc, in, v, "request") {
						t.Errorf("%s: accepted body does not fit the document: %s", row.pattern, msg)
					}
				}
				if checkAnswer(t, doc, op, row.pattern+" as "+strconv.Quote(u), got, out) && got < 300 {
					validated[row.pattern] = true
				}
			}
			// Sign-in, which the matrix only tries with a wrong password.
			got, out := e.do(t, "", "POST", "/api/v1/login", map[string]string{"username": "townB", "password": storetest.Password})
			if got != 200 || !checkAnswer(t, doc, lookup(doc, "paths", "/api/v1/login", "post"), "POST /api/v1/login", got, out) {
				t.Errorf("POST /api/v1/login: %d %s", got, out)
			}
			validated["POST /api/v1/login"] = true
			for _, p := range []string{"GET /api/v1/cases/{id}", "POST /api/v1/cases", "GET /api/v1/cases", "GET /api/v1/regions/{code}",
				"GET /api/v1/me", "GET /api/v1/tasks/{id}", "GET /api/v1/openapi.json"} {
				if !validated[p] {
					t.Errorf("%s: no success answer was validated", p)
				}
			}
			var not []string
			for _, r := range e.server.apiRoutes() {
				if !validated[r.pattern] && apiDocs()[r.pattern].resp != nil {
					not = append(not, r.pattern)
				}
			}
			t.Logf("%d routes' success answers validated; JSON answers not reached: %v", len(validated), not)
		})
	}
}

// checkAnswer checks that status is one op lists and that a JSON answer fits
// its schema; it reports whether a JSON body was validated.
func checkAnswer(t *testing.T, doc map[string]any, op any, what string, status int, out []byte) bool {
	t.Helper()
	resp, _ := lookup(op, "responses", strconv.Itoa(status)).(map[string]any)
	if resp == nil {
		t.Errorf("%s: status %d is not in the document: %s", what, status, out)
		return false
	}
	if ref, ok := resp["$ref"].(string); ok {
		resp, _ = resolve(doc, ref).(map[string]any)
	}
	sch := lookup(resp, "content", "application/json", "schema")
	if sch == nil || len(out) == 0 {
		return false
	}
	v, err := decodeNumbers(out)
	if err != nil {
		t.Errorf("%s: %d answer is not JSON: %v", what, status, err)
		return false
	}
	for _, msg := range validate(doc, sch, v, "$") {
		t.Errorf("%s (%d): %s", what, status, msg)
	}
	return true
}

// allowedUser is the first account the row expects a 2xx for.
func allowedUser(row accessRow) (string, bool) {
	for _, u := range accessUsers {
		want, ok := row.want[u]
		if !ok {
			want = row.def
			if u == "" {
				want = 401
			}
		}
		if want >= 200 && want < 300 {
			return u, true
		}
	}
	return "", false
}

// validate checks v against the subset of JSON Schema the generator writes:
// $ref, type, const, enum, required, properties, additionalProperties, items, anyOf,
// and format date-time. Undeclared properties are errors unless the schema
// allows additional ones.
func validate(doc map[string]any, s any, v any, at string) []string {
	sch, ok := s.(map[string]any)
	if !ok {
		return nil
	}
	if ref, ok := sch["$ref"].(string); ok {
		target := resolve(doc, ref)
		if target == nil {
			return []string{at + ": unresolved " + ref}
		}
		return validate(doc, target, v, at)
	}
	if alts, ok := sch["anyOf"].([]any); ok {
		var first []string
		for _, a := range alts {
			errs := validate(doc, a, v, at)
			if len(errs) == 0 {
				return nil
			}
			if first == nil {
				first = errs
			}
		}
		return first
	}
	if typ, ok := sch["type"]; ok && !typeMatches(typ, v) {
		return []string{fmt.Sprintf("%s: %s is not of type %v", at, short(v), typ)}
	}
	if c, ok := sch["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		return []string{fmt.Sprintf("%s: %s is not %v", at, short(v), c)}
	}
	if enum, ok := sch["enum"].([]any); ok && !slices.ContainsFunc(enum, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) }) {
		return []string{fmt.Sprintf("%s: %s is not one of %v", at, short(v), enum)}
	}
	if sch["format"] == "date-time" {
		if str, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				return []string{fmt.Sprintf("%s: %q is not a date-time", at, str)}
			}
		}
	}
	var errs []string
	switch v := v.(type) {
	case map[string]any:
		props, _ := sch["properties"].(map[string]any)
		req, _ := sch["required"].([]any)
		for _, r := range req {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required property %q missing", at, r))
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				errs = append(errs, validate(doc, p, v[k], at+"."+k)...)
				continue
			}
			switch add := sch["additionalProperties"].(type) {
			case map[string]any:
				errs = append(errs, validate(doc, add, v[k], at+"."+k)...)
			case bool:
				if !add {
					errs = append(errs, fmt.Sprintf("%s: property %q not allowed", at, k))
				}
			default:
				if props != nil {
					errs = append(errs, fmt.Sprintf("%s: property %q is not in the document", at, k))
				}
			}
		}
	case []any:
		if items, ok := sch["items"]; ok {
			for i, x := range v {
				errs = append(errs, validate(doc, items, x, fmt.Sprint(at, "[", i, "]"))...)
			}
		}
	}
	return errs
}

// typeMatches reports whether v is of the JSON Schema type typ (a name or a list).
func typeMatches(typ any, v any) bool {
	if list, ok := typ.([]any); ok {
		return slices.ContainsFunc(list, func(t any) bool { return typeMatches(t, v) })
	}
	switch typ {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		_, err := n.Int64()
		return ok && err == nil
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// TestOpenAPIValidatorCatchesDrift checks the validator itself on a schema of
// the document: a wrong type, a missing field and an undeclared one all fail.
func TestOpenAPIValidatorCatchesDrift(t *testing.T) {
	t.Parallel()
	raw, _ := json.Marshal(openAPIDoc(NewServer().apiRoutes()))
	d, _ := decodeNumbers(raw)
	doc := d.(map[string]any)
	ref := map[string]any{"$ref": "#/components/schemas/SavedSearch"}
	for body, want := range map[string]bool{
		`"id": 1, "name": "n"`:            true,
		`"id": "1", "name": "n"`:          false,
		`"id": 1`:                         false,
		`"id": 1, "name": "n", "x": true`: false,
		`"id": 1.5, "name": "n"`:          false,
		`"id": 1, "name": null`:           false,
	} {
		body = `{"user_id": 2, "query": "kind=dispute", "created_at": "2026-03-01T08:00:00Z", ` + body + `}`
		v, _ := decodeNumbers([]byte(body))
		if errs := validate(doc, ref, v, "$"); (len(errs) == 0) != want {
			t.Errorf("%s: errors %v, want valid=%v", body, errs, want)
		}
	}
}
