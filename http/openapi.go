package http

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The OpenAPI 3.1 document of the API, served at GET /api/v1/openapi.json. It is
// built from the code, not written by hand: the paths and methods are apiRoutes
// itself, the path parameters its {name} segments, the bodies the Go types the
// handlers decode and write (openapi_schema.go), and whether a department token
// is accepted is tokenAllowed. What the code cannot say — a summary, the
// permission, the query parameters, which types a handler uses — is one small
// entry per route in the apiDocs tables (openapi_routes_*.go); the tests fail when
// a route has no entry or an entry no route, and check real answers against the
// schemas. The document holds no data, so it is public like /healthz; it names
// no more than docs/api.md, which ships with the source.

// Permissions that are not a zhili.Action: who may call a route.
const (
	permPublic = "public"      // anyone, no login
	permLogin  = "login"       // any session (or department token where accepted)
	permSelf   = "the session" // the caller's own session, e.g. during sign-in
)

// apiDoc describes one route for the document.
type apiDoc struct {
	summary string // English
	zh      string // the Chinese label (中文)
	tag     string // the module
	// perm is who may call: a zhili.Action ("business.read") or one of the perm*
	// constants; scope rules are in docs/api.md.
	perm  string
	query []qparam
	// req is the JSON request body as a Go value (nil: none); form names the
	// fields of a multipart/form-data body instead (or as well), a trailing "*"
	// marking a file.
	req  any
	form []string
	// resp is the JSON response body as a Go value; status is the success status
	// (200 when zero); file, when set, is the media type of a file answer instead.
	resp   any
	status int
	file   string
	// alt is a second success status, without a body (e.g. 204).
	alt int
	// pathStr names the path parameters that are not numeric ids.
	pathStr []string
	note    string
}

// qparam is one query parameter.
type qparam struct {
	name, typ, desc string
}

func qs(name, desc string) qparam { return qparam{name, "string", desc} }
func qi(name, desc string) qparam { return qparam{name, "integer", desc} }

// paged are the offset and limit of every paged list.
var paged = []qparam{qi("offset", "items to skip (default 0)"), qi("limit", "page size (default 100, at most 1000)")}

func withPaging(q ...qparam) []qparam { return append(q, paged...) }

// apiDocs collects the per-module tables into one, by route pattern.
func apiDocs() map[string]apiDoc {
	m := map[string]apiDoc{}
	for _, part := range []map[string]apiDoc{coreDocs, caseDocs, dataDocs} {
		for k, v := range part {
			m[k] = v
		}
	}
	return m
}

// errorResponses are the shared error answers: one envelope (errorBody), the
// status from the codes table.
var errorResponses = []struct {
	status, name, desc string
}{
	{"400", "Invalid", "invalid: bad input; fields names each bad field (row and column for imports)"},
	{"401", "Unauthorized", "unauthorized: not logged in, session expired, wrong login"},
	{"403", "Forbidden", "forbidden: the role may not do this, whatever the record"},
	{"404", "NotFound", "not_found: no such record, or one outside the caller's area (indistinguishable)"},
	{"409", "Conflict", "conflict: duplicate, stale change, wrong state"},
	{"429", "RateLimited", "rate_limited: too many requests or failed sign-ins from the client's address"},
	{"500", "Internal", "internal: logged on the server; the message says nothing more"},
}

// openAPIDoc builds the document for routes.
func openAPIDoc(routes []route) map[string]any {
	g := newSchemaGen()
	docs := apiDocs()
	errRef := g.of(reflect.TypeFor[errorBody](), false)
	errSchema := g.comps["ErrorBody"]
	// The error codes: the codes table of error.go, and the brakes' rate_limited.
	errCodes := []string{"rate_limited"}
	for c := range codes {
		errCodes = append(errCodes, c)
	}
	sort.Strings(errCodes)
	errSchema["properties"].(schema)["error"].(schema)["properties"].(schema)["code"].(schema)["enum"] = errCodes
	responses := schema{}
	for _, e := range errorResponses {
		responses[e.name] = schema{"description": e.desc, "content": schema{"application/json": schema{"schema": errRef}}}
	}
	paths := map[string]schema{}
	for _, r := range routes {
		d, ok := docs[r.pattern]
		if !ok {
			continue // the tests name it
		}
		method, path, _ := strings.Cut(r.pattern, " ")
		if paths[path] == nil {
			paths[path] = schema{}
		}
		paths[path][strings.ToLower(method)] = g.operation(r.pattern, method, path, d)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": schema{
			"title":       "zhili API (智理 county social governance)",
			"version":     "v1",
			"description": "The REST API of zhili. Errors, lists, scope and who may call what: docs/api.md. Generated from the route table and the Go types; GET /api/v1/openapi.json.",
		},
		"servers":  []any{schema{"url": "/"}},
		"security": sessionSecurity(false),
		"tags":     tags(docs),
		"paths":    paths,
		"components": schema{
			"schemas":   g.comps,
			"responses": responses,
			"securitySchemes": schema{
				"sessionCookie": schema{"type": "apiKey", "in": "cookie", "name": SessionCookie,
					"description": "Set by POST /api/v1/login (and the login page)."},
				"sessionToken": schema{"type": "http", "scheme": "bearer",
					"description": "The token of POST /api/v1/login, as Authorization: Bearer <token>."},
				"departmentToken": schema{"type": "http", "scheme": "bearer", "bearerFormat": "zdt_…",
					"description": "A department system's token (Authorization: Bearer zdt_…), from POST /api/v1/department-tokens; accepted only on the department report endpoints."},
			},
		},
	}
}

// sessionSecurity is the security requirement of a signed-in route: a session
// by cookie or bearer token, or a department token where one is accepted.
func sessionSecurity(dept bool) []any {
	s := []any{schema{"sessionCookie": []any{}}, schema{"sessionToken": []any{}}}
	if dept {
		s = append(s, schema{"departmentToken": []any{}})
	}
	return s
}

func tags(docs map[string]apiDoc) []any {
	seen := map[string]bool{}
	var names []string
	for _, d := range docs {
		if !seen[d.tag] {
			seen[d.tag] = true
			names = append(names, d.tag)
		}
	}
	sort.Strings(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = schema{"name": n, "description": tagDescriptions[n]}
	}
	return out
}

// tagDescriptions say what each module is and where its prose is.
var tagDescriptions = map[string]string{
	"meta":               "This document.",
	"auth":               "Sign-in, the second factor for administrators, the caller's account (docs/api.md).",
	"regions":            "The administrative tree down to grids (区划、网格) and point location (docs/api.md).",
	"units":              "Organisations: offices, centres, groups, departments (单位).",
	"people":             "People and their positions (人员、岗位); ID numbers and phones masked (docs/api.md).",
	"users":              "Accounts and their security (账号).",
	"audit":              "The tamper-evident audit log (审计).",
	"cases":              "Cases: report, flow, attachments, queue, saved searches, event feed (事件, docs/cases.md).",
	"tasks":              "Work-plan tasks and supervision (工作任务, docs/tasks.md).",
	"public":             "Public reporting without login (群众网上反映, docs/public.md).",
	"rhythm":             "Daily sweeps, weekly review, bulletins, calendar, deadline rules (工作节奏, docs/rhythm.md).",
	"reports":            "Report templates, rendering and the archive (报告, docs/reports.md).",
	"department-reports": "Department reports and department tokens (部门报送, docs/department-reports.md).",
	"ledgers":            "Ledgers: schemas, records, import and export (台账, docs/ledgers.md).",
	"indicators":         "Indicators and the records behind them (指标, docs/indicators.md).",
	"cockpit":            "The cockpit's panels (驾驶舱, docs/cockpit.md).",
	"assessment":         "Assessment schemes and scores, and notices (考核、通知, docs/assessment.md).",
}

// operation is one method on one path.
func (g *schemaGen) operation(pattern, method, path string, d apiDoc) schema {
	op := schema{
		"operationId":        operationID(method, path),
		"summary":            d.summary + " · " + d.zh,
		"tags":               []any{d.tag},
		"x-summary-zh":       d.zh,
		"x-permission":       d.perm,
		"x-route":            pattern,
		"x-department-token": tokenAllowed(path),
	}
	desc := "Who: " + d.perm + "."
	if d.note != "" {
		desc = d.note + "\n\n" + desc
	}
	op["description"] = desc
	var params []any
	for _, seg := range strings.Split(path, "/") {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		name := strings.Trim(seg, "{}")
		s := schema{"type": "string"}
		if (name == "id" || name == "aid") && !slices.Contains(d.pathStr, name) {
			s = schema{"type": "integer", "format": "int64", "minimum": 1}
		}
		params = append(params, schema{"name": name, "in": "path", "required": true, "schema": s})
	}
	for _, q := range d.query {
		params = append(params, schema{"name": q.name, "in": "query", "description": q.desc, "schema": schema{"type": q.typ}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if body := g.requestBody(d); body != nil {
		op["requestBody"] = body
	}
	status := d.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := schema{"description": http.StatusText(status)}
	switch {
	case d.file != "":
		ok["content"] = schema{d.file: schema{"schema": schema{"type": "string", "contentMediaType": d.file}}}
	case d.resp != nil:
		ok["content"] = schema{"application/json": schema{"schema": g.of(reflect.TypeOf(d.resp), false)}}
	}
	responses := schema{strconv.Itoa(status): ok}
	if d.alt != 0 {
		responses[strconv.Itoa(d.alt)] = schema{"description": http.StatusText(d.alt)}
	}
	for _, e := range errorResponses {
		if d.perm == permPublic && (e.status == "401" || e.status == "403") {
			continue
		}
		if e.status == "429" && !(d.perm == permPublic || strings.HasPrefix(path, "/api/v1/login") || tokenAllowed(path)) {
			continue
		}
		responses[e.status] = schema{"$ref": "#/components/responses/" + e.name}
	}
	op["responses"] = responses
	if d.perm == permPublic {
		op["security"] = []any{}
	} else {
		op["security"] = sessionSecurity(tokenAllowed(path))
	}
	return op
}

// requestBody is the body of an operation: JSON, a multipart form, or either.
func (g *schemaGen) requestBody(d apiDoc) schema {
	content := schema{}
	if d.req != nil {
		content["application/json"] = schema{"schema": g.of(reflect.TypeOf(d.req), true)}
	}
	if len(d.form) > 0 {
		props := schema{}
		for _, f := range d.form {
			if name, ok := strings.CutSuffix(f, "*"); ok {
				props[name] = schema{"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
			} else {
				props[f] = schema{"type": "string"}
			}
		}
		content["multipart/form-data"] = schema{"schema": schema{"type": "object", "properties": props}}
	}
	if len(content) == 0 {
		return nil
	}
	return schema{"required": true, "content": content}
}

// operationID is a stable name for code generators: the method and the path's
// words, e.g. getCasesById.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		by := strings.HasPrefix(seg, "{")
		seg = strings.Trim(seg, "{}")
		if by {
			b.WriteString("By")
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// openAPI caches the encoded document: it depends only on the code.
var openAPI struct {
	once sync.Once
	body []byte
}

// handleOpenAPI serves the document; public, like /healthz (see above).
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	openAPI.once.Do(func() {
		openAPI.body, _ = json.Marshal(openAPIDoc(s.apiRoutes()))
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPI.body)
}
