package http

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/zhili-project/zhili"
)

// codes maps domain error codes to HTTP statuses; the one place that does.
var codes = map[string]int{
	zhili.ECONFLICT:     http.StatusConflict,
	zhili.EINVALID:      http.StatusBadRequest,
	zhili.ENOTFOUND:     http.StatusNotFound,
	zhili.EUNAUTHORIZED: http.StatusUnauthorized,
	zhili.EFORBIDDEN:    http.StatusForbidden,
	zhili.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status of a domain error code.
func ErrorStatus(code string) int {
	if s, ok := codes[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Fields  []zhili.FieldError `json:"fields,omitempty"`
	} `json:"error"`
}

// Error writes err as JSON (API) or as a page, logging internal errors with the
// request so operators see them while users see only a generic message.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := zhili.ErrorCode(err)
	if code == zhili.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := ErrorStatus(code)
	if !isAPI(r) {
		s.renderError(w, r, status, zhili.ErrorMessage(err))
		return
	}
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Fields = code, zhili.ErrorMessage(err), zhili.ErrorFields(err)
	writeJSON(w, status, body)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maxBody bounds JSON request bodies; uploads have their own limits.
const maxBody = 1 << 20

// readBody reads a body of at most maxBody bytes whole, for services that parse
// it themselves; a larger body is EINVALID naming field.
func readBody(w http.ResponseWriter, r *http.Request, field string) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, zhili.Invalid("The request body is too large.", zhili.FieldError{Field: field, Code: "too_long", Reason: err.Error()})
	}
	return raw, nil
}

// decode reads a JSON body strictly: unknown fields are an error naming them.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return zhili.Invalid("The request body is not valid JSON for this endpoint: " + err.Error())
	}
	return nil
}
