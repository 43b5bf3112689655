package report

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// Archive is a report as issued: the bytes handed out, kept unchanged whatever
// happens to the data afterwards. A new run is a new Archive.
type Archive struct {
	ID         int64  `json:"id"`
	Template   string `json:"template"`
	Title      string `json:"title"`
	RegionID   int64  `json:"region_id"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	From       string `json:"from"` // the period's first day
	To         string `json:"to"`   // its last day, inclusive
	Format     string `json:"format"`
	// Content is the file; lists leave it empty.
	Content []byte `json:"-"`
	Size    int64  `json:"size"`
	// SHA256 and SM3 are hex digests of Content, so a copy can be checked.
	SHA256          string    `json:"sha256"`
	SM3             string    `json:"sm3"`
	GeneratedBy     int64     `json:"generated_by,omitempty"`
	GeneratedByName string    `json:"generated_by_name"`
	GeneratedAt     time.Time `json:"generated_at"`
}

// ArchiveFilter selects archived reports; zero fields do not filter.
type ArchiveFilter struct {
	Template string
	// Under limits to reports of regions in this region's subtree.
	Under         int64
	Offset, Limit int
}

// ArchiveStore keeps the archive. Every method needs ActBusinessRead
// (EFORBIDDEN) and sees only reports of regions in the caller's scope.
type ArchiveStore interface {
	// ArchiveReport stores a new report: Content, Template, Title, RegionID, From,
	// To and Format must be set; the store computes the size and hashes and stamps
	// who and when, in the same transaction as its audit entry. EINVALID names a
	// bad field; ENOTFOUND for a region outside the caller's scope.
	ArchiveReport(ctx context.Context, a *Archive) error
	// FindArchives lists archived reports, newest first, without content, and the
	// total.
	FindArchives(ctx context.Context, f ArchiveFilter) ([]*Archive, int, error)
	// FindArchive returns one archived report with its content. ENOTFOUND if it
	// is absent or out of scope.
	FindArchive(ctx context.Context, id int64) (*Archive, error)
}

// Formats are the output formats, with their file extension and content type.
var Formats = []struct {
	Format, Ext, ContentType string
}{
	{"html", ".html", "text/html; charset=utf-8"},
	{"docx", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"json", ".json", "application/json; charset=utf-8"},
}

// ContentType returns a format's MIME type, "" for an unknown format.
func ContentType(format string) string {
	for _, f := range Formats {
		if f.Format == format {
			return f.ContentType
		}
	}
	return ""
}

// FileName is the download name of a report: 青山县-exchange_material-2026-01-01-2026-12-31.docx.
func FileName(regionName, template, from, to, format string) string {
	ext := "." + format
	for _, f := range Formats {
		if f.Format == format {
			ext = f.Ext
		}
	}
	name := strings.Join([]string{regionName, template, from, to}, "-")
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>| `, r) {
			return '_'
		}
		return r
	}, name) + ext
}

// Encode writes the document in a format: html, docx, xlsx or json. EINVALID
// for any other format.
func Encode(d *Document, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "html":
		err = WriteHTML(&b, d)
	case "docx":
		err = WriteDocx(&b, d)
	case "xlsx":
		err = WriteXLSX(&b, d)
	case "json":
		err = WriteJSON(&b, d)
	default:
		return nil, badFormat(format)
	}
	return b.Bytes(), err
}

func badFormat(format string) error {
	return zhili.Invalid("Unknown format.", zhili.FieldError{Field: "format", Code: "unknown_format",
		Reason: "format must be html, docx, xlsx or json, not " + strings.TrimSpace(format)})
}

// Service renders reports and archives them: what the API, the pages and the
// CLI call.
type Service struct {
	Renderer *Renderer
	Archive  ArchiveStore
}

// Output is a rendered report in one format.
type Output struct {
	Document    *Document
	Format      string
	Content     []byte
	ContentType string
	FileName    string
	// Archive is the archive entry when the output was archived.
	Archive *Archive
}

// Generate renders template name for p in format; with archive it also stores
// the bytes as a new archive entry. Errors as Renderer.Render and
// ArchiveStore.ArchiveReport; EINVALID for an unknown format, checked before
// anything is computed.
func (s *Service) Generate(ctx context.Context, name string, p Params, format string, archive bool) (*Output, error) {
	if err := zhili.ActorFromContext(ctx).Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	if ContentType(format) == "" {
		return nil, badFormat(format)
	}
	d, err := s.Renderer.Render(ctx, name, p)
	if err != nil {
		return nil, err
	}
	content, err := Encode(d, format)
	if err != nil {
		return nil, err
	}
	out := &Output{Document: d, Format: format, Content: content, ContentType: ContentType(format),
		FileName: FileName(d.Region.Name, d.Template, d.From, d.To, format)}
	if !archive {
		return out, nil
	}
	reg, err := s.Renderer.Regions.FindRegionByCode(ctx, d.Region.Code)
	if err != nil {
		return nil, err
	}
	out.Archive = &Archive{Template: d.Template, Title: d.Title, RegionID: reg.ID, From: d.From, To: d.To, Format: format, Content: content}
	if err := s.Archive.ArchiveReport(ctx, out.Archive); err != nil {
		return nil, err
	}
	return out, nil
}
