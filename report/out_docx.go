package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The .docx is written as OOXML directly: the few parts Word and LibreOffice need,
// with the conventions of Chinese official documents (GB/T 9704): A4, margins
// 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; the title in 方正小标宋简体 二号
// (22 pt), centred; body in 仿宋 三号 (16 pt) on a fixed 28 pt line, first lines
// indented two characters; first-level headings 一、 in 黑体, second-level （一）
// in 楷体. Each font names a fallback (w:altName) for machines without it.
const (
	fontTitle   = "方正小标宋简体"
	fontBody    = "仿宋"
	fontHeading = "黑体"
	fontSub     = "楷体"
)

// WriteDocx writes the document as a Word file.
func WriteDocx(w io.Writer, d *Document) error {
	var body bytes.Buffer
	para(&body, "Title", []Run{{Text: d.Title}})
	para(&body, "Meta", []Run{{Text: d.Region.Name + "　" + cnDay(d.From) + "至" + cnDay(d.To)}})
	for _, b := range d.Blocks {
		switch b.Kind {
		case "heading":
			style := "Heading1"
			if b.Level == 2 {
				style = "Heading2"
			}
			para(&body, style, append([]Run{{Text: b.Number}}, b.Runs...))
		case "table":
			docxTable(&body, d.Tables[b.Table])
		default:
			para(&body, "", b.Runs)
		}
	}
	zw := zip.NewWriter(w)
	parts := []struct{ name, content string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", fmt.Sprintf(coreProps, esc(d.Title), d.GeneratedAt.UTC().Format(time.RFC3339))},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/document.xml", documentHead + body.String() + sectPr + `</w:body></w:document>`},
		{"word/styles.xml", stylesXML},
		{"word/fontTable.xml", fontTableXML},
		{"word/settings.xml", settingsXML},
	}
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.content); err != nil {
			return err
		}
	}
	return zw.Close()
}

// cnDay writes a YYYY-MM-DD day as 2026年3月2日.
func cnDay(day string) string {
	t, err := ParseDay(day)
	if err != nil {
		return day
	}
	return cnDate(t)
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// para writes one paragraph of a style ("" is the body style).
func para(b *bytes.Buffer, style string, runs []Run) {
	b.WriteString("<w:p>")
	if style != "" {
		fmt.Fprintf(b, `<w:pPr><w:pStyle w:val="%s"/></w:pPr>`, style)
	}
	for _, r := range runs {
		if r.Text == "" {
			continue
		}
		b.WriteString("<w:r>")
		if r.Bold {
			b.WriteString(`<w:rPr><w:rFonts w:eastAsia="` + fontSub + `"/><w:b/></w:rPr>`)
		}
		fmt.Fprintf(b, `<w:t xml:space="preserve">%s</w:t></w:r>`, esc(r.Text))
	}
	b.WriteString("</w:p>")
}

// docxTable writes a table with a caption above, a bold header row, thin borders
// and a note below.
func docxTable(b *bytes.Buffer, t *Table) {
	para(b, "Caption", []Run{{Text: t.Title}})
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="autofit"/></w:tblPr><w:tblGrid>`)
	for range t.Columns { // Word requires the grid; the columns share the text width
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, textWidth/max(1, len(t.Columns)))
	}
	b.WriteString(`</w:tblGrid>`)
	cell := func(text string, bold, right bool) {
		b.WriteString(`<w:tc><w:tcPr><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>`)
		if right {
			b.WriteString(`<w:jc w:val="right"/>`)
		}
		b.WriteString(`</w:pPr>`)
		if text != "" {
			b.WriteString("<w:r>")
			if bold {
				b.WriteString(`<w:rPr><w:b/></w:rPr>`)
			}
			fmt.Fprintf(b, `<w:t xml:space="preserve">%s</w:t></w:r>`, esc(text))
		}
		b.WriteString(`</w:p></w:tc>`)
	}
	b.WriteString(`<w:tr><w:trPr><w:tblHeader/></w:trPr>`)
	for _, c := range t.Columns {
		cell(c, true, false)
	}
	b.WriteString(`</w:tr>`)
	for _, row := range t.Rows {
		b.WriteString(`<w:tr>`)
		for _, c := range row {
			cell(c.Text, false, c.Num != nil)
		}
		b.WriteString(`</w:tr>`)
	}
	if len(t.Rows) == 0 {
		fmt.Fprintf(b, `<w:tr><w:tc><w:tcPr><w:gridSpan w:val="%d"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="center"/></w:pPr><w:r><w:t>无</w:t></w:r></w:p></w:tc></w:tr>`, len(t.Columns))
	}
	b.WriteString(`</w:tbl>`)
	if t.Note != "" {
		para(b, "Note", []Run{{Text: "注：" + t.Note}})
	}
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`

const coreProps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>%s</dc:title><dc:creator>zhili</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>
</cp:coreProperties>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
</Relationships>`

const documentHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

// textWidth is the width of the text block in twips: A4 less the side margins.
const textWidth = 11906 - 1587 - 1474

// sectPr is A4 portrait with the margins of GB/T 9704 in twentieths of a point.
const sectPr = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`

const settingsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:compat/></w:settings>`

const fontTableXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:font w:name="` + fontTitle + `"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="script"/></w:font>
<w:font w:name="` + fontBody + `"><w:altName w:val="FangSong"/><w:charset w:val="86"/><w:family w:val="modern"/></w:font>
<w:font w:name="` + fontHeading + `"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/></w:font>
<w:font w:name="` + fontSub + `"><w:altName w:val="KaiTi"/><w:charset w:val="86"/><w:family w:val="modern"/></w:font>
<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/></w:font>
</w:fonts>`

// style writes one paragraph style: font, size in half-points, bold, alignment,
// first-line indent in hundredths of a character, outline level (-1 none).
func style(id, name, font string, halfPts int, center bool, indent, outline int, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<w:style w:type="paragraph" w:customStyle="1" w:styleId="%s"><w:name w:val="%s"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr>`, id, name)
	b.WriteString(extra) // keepNext, spacing: the schema wants them before ind and jc
	fmt.Fprintf(&b, `<w:ind w:firstLineChars="%d" w:firstLine="%d"/>`, indent, indent*halfPts/10)
	if center {
		b.WriteString(`<w:jc w:val="center"/>`)
	}
	if outline >= 0 {
		fmt.Fprintf(&b, `<w:outlineLvl w:val="%d"/>`, outline)
	}
	fmt.Fprintf(&b, `</w:pPr><w:rPr><w:rFonts w:ascii="%s" w:eastAsia="%s" w:hAnsi="%s"/><w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr></w:style>`,
		font, font, font, halfPts, halfPts)
	return b.String()
}

var stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="` + fontBody + `" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="` + fontBody + `" w:hAnsi="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
` + style("Title", "Title", fontTitle, 44, true, 0, -1, `<w:spacing w:before="0" w:after="280" w:line="700" w:lineRule="exact"/>`) + `
` + style("Meta", "Report Period", fontSub, 32, true, 0, -1, `<w:spacing w:after="280"/>`) + `
` + style("Heading1", "heading 1", fontHeading, 32, false, 200, 0, "<w:keepNext/>") + `
` + style("Heading2", "heading 2", fontSub, 32, false, 200, 1, "<w:keepNext/>") + `
` + style("Caption", "Table Caption", fontHeading, 28, true, 0, -1, `<w:keepNext/><w:spacing w:before="160" w:after="80" w:line="400" w:lineRule="exact"/>`) + `
` + style("TableText", "Table Text", fontBody, 24, false, 0, -1, `<w:spacing w:line="360" w:lineRule="exact"/>`) + `
` + style("Note", "Table Note", fontBody, 24, false, 0, -1, `<w:spacing w:line="360" w:lineRule="exact"/>`) + `
</w:styles>`
