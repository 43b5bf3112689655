package report

import (
	"html/template"
	"io"
)

// HTMLBody renders the document's title, paragraphs and tables as an HTML
// fragment, every figure a link to the records behind it. The reports page
// embeds it; WriteHTML wraps it in a page of its own.
func HTMLBody(d *Document) (template.HTML, error) {
	var b htmlBuf
	if err := htmlTmpl.ExecuteTemplate(&b, "body", d); err != nil {
		return "", err
	}
	return template.HTML(b), nil
}

// WriteHTML writes the document as a standalone HTML page.
func WriteHTML(w io.Writer, d *Document) error {
	return htmlTmpl.ExecuteTemplate(w, "page", d)
}

type htmlBuf []byte

func (b *htmlBuf) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

var htmlTmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"fig": func(d *Document, n int) Placeholder { return d.Figures[n-1] },
	"tab": func(d *Document, i int) *Table { return d.Tables[i] },
}).Parse(`{{define "page"}}<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{max-width:52em;margin:2em auto;font-family:"FangSong","仿宋",serif;font-size:16pt;line-height:1.75}
h1{font-family:"方正小标宋简体","SimSun","宋体",serif;font-weight:normal;text-align:center;font-size:22pt}
h2{font-family:"SimHei","黑体",sans-serif;font-weight:normal;font-size:16pt}
h3{font-family:"KaiTi","楷体",serif;font-weight:normal;font-size:16pt}
p{text-indent:2em;margin:0}
a.fig{color:inherit;text-decoration:underline dotted}
a.fig.missing{color:#b00}
table{border-collapse:collapse;margin:.5em 0;font-size:12pt;width:100%}
th,td{border:1px solid #444;padding:.2em .4em}
td.n{text-align:right}
.meta,.note{font-size:12pt;color:#555}
</style></head><body>
{{template "body" .}}
</body></html>{{end}}
{{define "body"}}<article class="report" data-template="{{.Template}}">
<h1>{{.Title}}</h1>
<p class="meta">{{.Region.Name}}（{{.Region.Code}}） {{.From}} 至 {{.To}}</p>
{{$d := .}}{{range .Blocks}}{{if eq .Kind "table"}}{{with tab $d .Table}}
<table data-table="{{.Name}}"><caption>{{.Title}}</caption>
<thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td{{if .Num}} class="n"{{end}}>{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>
{{else}}<tr><td colspan="{{len .Columns}}">无</td></tr>{{end}}</tbody></table>
{{with .Note}}<p class="note">注：{{.}}</p>{{end}}{{end}}
{{else if eq .Kind "heading"}}{{if eq .Level 1}}<h2>{{else}}<h3>{{end}}{{.Number}}{{range .Runs}}{{.Text}}{{end}}{{if eq .Level 1}}</h2>{{else}}</h3>{{end}}
{{else}}<p>{{range .Runs}}{{if .Figure}}{{with fig $d .Figure}}<a class="fig{{if .Missing}} missing{{end}}" href="{{.URL}}" data-id="{{.ID}}" title="{{.ID}}">{{.Text}}</a>{{end}}{{else if .Bold}}<strong>{{.Text}}</strong>{{else}}{{.Text}}{{end}}{{end}}</p>
{{end}}{{end}}</article>{{end}}`))
