package report

import (
	"encoding/json"
	"io"
)

// jsonDoc is the JSON form: the document's fields and its plain text.
type jsonDoc struct {
	*Document
	Text string `json:"text"`
}

// WriteJSON writes the document as JSON: every figure placeholder with its
// indicator id, value and drill-down, the names used, the tables and the text.
func WriteJSON(w io.Writer, d *Document) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonDoc{Document: d, Text: d.Text()})
}
