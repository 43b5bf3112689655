package report

import (
	"strings"
	"time"
)

// Document is a rendered report: every placeholder filled, every table computed.
// The writers (JSON, HTML, .docx, .xlsx) only lay it out.
type Document struct {
	Template    string    `json:"template"`
	Label       string    `json:"label"`
	Title       string    `json:"title"`
	Region      RegionRef `json:"region"`
	From        string    `json:"from"` // first day, YYYY-MM-DD (China time)
	To          string    `json:"to"`   // last day, inclusive
	GeneratedAt time.Time `json:"generated_at"`
	// Figures lists every figure placeholder in order of appearance.
	Figures []Placeholder `json:"figures"`
	// Names holds the values of the name and $var placeholders used.
	Names map[string]string `json:"names"`
	// Tables holds the computed tables, in order; blocks point into it.
	Tables []*Table `json:"tables"`
	Blocks []Block  `json:"-"`
	// Missing lists the figures and names no source could fill; they read "××".
	Missing []string `json:"missing,omitempty"`
}

// RegionRef names a region.
type RegionRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Placeholder is one figure as the document shows it.
type Placeholder struct {
	N      int    `json:"n"`           // 1, 2, … in order of appearance
	Source string `json:"placeholder"` // as written in the template, braces dropped
	ID     string `json:"id"`          // the indicator id, arguments included
	Region string `json:"region"`      // the region code it was computed for
	From   string `json:"from"`
	To     string `json:"to"`
	// Value is the figure in Unit after conversion and rounding: what Text says.
	Value *float64 `json:"value"`
	// Exact is the figure as the source gave it, in SourceUnit.
	Exact      *float64 `json:"exact"`
	SourceUnit string   `json:"source_unit,omitempty"`
	Text       string   `json:"text"` // the number as printed, e.g. "93.5" or "350"
	Unit       string   `json:"unit,omitempty"`
	URL        string   `json:"url"`
	Missing    bool     `json:"missing,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// Block is a heading, a paragraph or a table.
type Block struct {
	Kind   string `json:"kind"`             // "heading", "paragraph", "table"
	Level  int    `json:"level,omitempty"`  // headings: 1 or 2
	Number string `json:"number,omitempty"` // headings: "一、", "（一）"
	Runs   []Run  `json:"runs,omitempty"`
	Table  int    `json:"table,omitempty"` // tables: index into Document.Tables
}

// Run is a piece of a paragraph: literal text, or a figure (Figure is its index
// in Document.Figures plus one).
type Run struct {
	Text   string `json:"text"`
	Bold   bool   `json:"bold,omitempty"`
	Figure int    `json:"figure,omitempty"`
}

// Table is a computed table: rankings, lists of overdue cases.
type Table struct {
	Name    string   `json:"name"`
	Title   string   `json:"title"`
	Columns []string `json:"columns"`
	Rows    [][]Cell `json:"rows"`
	// Note explains how the table is computed (a ranking's rule), printed below it.
	Note string `json:"note,omitempty"`
}

// Cell is one table cell; Num is set for numbers so spreadsheets can add them up.
type Cell struct {
	Text string   `json:"text"`
	Num  *float64 `json:"num,omitempty"`
	URL  string   `json:"url,omitempty"`
}

// Text returns a block's plain text, the heading number included.
func (d *Document) blockText(b Block) string {
	var sb strings.Builder
	sb.WriteString(b.Number)
	for _, r := range b.Runs {
		sb.WriteString(r.Text)
	}
	return sb.String()
}

// Text is the whole document as plain text: the title, then one line per heading
// and paragraph; tables as tab-separated rows.
func (d *Document) Text() string {
	var sb strings.Builder
	sb.WriteString(d.Title)
	sb.WriteString("\n")
	for _, b := range d.Blocks {
		if b.Kind == "table" {
			t := d.Tables[b.Table]
			sb.WriteString(t.Title + "\n" + strings.Join(t.Columns, "\t") + "\n")
			for _, row := range t.Rows {
				for i, c := range row {
					if i > 0 {
						sb.WriteString("\t")
					}
					sb.WriteString(c.Text)
				}
				sb.WriteString("\n")
			}
			continue
		}
		sb.WriteString(d.blockText(b))
		sb.WriteString("\n")
	}
	return sb.String()
}
