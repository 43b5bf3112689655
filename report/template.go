package report

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Template is a parsed report template: a header of settings, then the body of
// headings, paragraphs and tables (docs/reports.md gives the format).
type Template struct {
	Name  string `json:"name"`
	Label string `json:"label"` // the Chinese name shown in menus: 交流材料
	// Period says how a requested period is read: "week" and "month" widen it to
	// the whole ISO week or month holding its first day; "year" and "any" keep it.
	Period string `json:"period"`
	// Description is one line for the reports page.
	Description string `json:"description,omitempty"`
	title       []segment
	vars        map[string]float64
	body        []tmplBlock
}

// blockKind is what a body line is.
type blockKind int

const (
	blockParagraph blockKind = iota
	blockHeading             // "= " level 1 (一、), "== " level 2 (（一）)
	blockTable               // "{{table NAME}}" alone on a line
)

type tmplBlock struct {
	kind  blockKind
	level int
	line  int
	segs  []segment
	table string
}

// segment is a run of literal text, or one placeholder; bold runs come from **…**.
type segment struct {
	text string
	bold bool
	ph   *placeholder
}

// placeholder kinds: an indicator, a template variable, a name (setting or
// context value).
const (
	phFigure = "figure"
	phVar    = "var"
	phName   = "name"
)

// placeholder is one {{…}} with its options.
type placeholder struct {
	src    string // as written, without the braces
	kind   string
	target string // indicator id (arguments included), variable or name
	dp     int    // decimals
	unit   string // convert money to 元, 万元 or 亿元
	round  string // "down": to the round number a "*多"/"*余" figure names
	region string // "seat": the county seat township of the report's region
	period string // "", "year", "prev_month", "prev_week", "prev" (as long, just before)
}

// names are the values a {{name}} placeholder may take.
var names = []string{"county", "county_short", "city", "city_short", "pairing_mechanism", "region", "period", "year", "month", "week", "today", "quarter"}

var (
	units   = []string{"", "元", "万元", "亿元"}
	rounds  = []string{"", "down"}
	regions = []string{"", "seat"}
	periods = []string{"", "year", "prev_month", "prev_week", "prev"}
)

// Templates lists the templates shipped in the binary, by name.
func Templates() []*Template {
	out := make([]*Template, 0, len(builtin))
	for _, t := range builtin {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Template) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns a shipped template by name.
func Lookup(name string) (*Template, bool) {
	t, ok := builtin[name]
	return t, ok
}

var builtin = mustLoad()

func mustLoad() map[string]*Template {
	out := map[string]*Template{}
	files, _ := fs.Glob(templateFS, "templates/*.tmpl")
	for _, f := range files {
		b, err := templateFS.ReadFile(f)
		if err != nil {
			panic(err)
		}
		t, err := ParseTemplate(strings.TrimSuffix(path.Base(f), ".tmpl"), string(b))
		if err != nil {
			panic(err) // embedded and tested: a broken template is a build mistake
		}
		out[t.Name] = t
	}
	return out
}

// ParseTemplate parses a template's text; name is its file name without .tmpl.
// Errors name the line.
func ParseTemplate(name, src string) (*Template, error) {
	t := &Template{Name: name, Period: "any", vars: map[string]float64{}}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line, inBody := 0, false
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), " \t\r")
		if !inBody {
			if err := t.header(line, text, &inBody); err != nil {
				return nil, fmt.Errorf("template %s line %d: %w", name, line, err)
			}
			continue
		}
		if err := t.bodyLine(line, text); err != nil {
			return nil, fmt.Errorf("template %s line %d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	if !inBody {
		return nil, fmt.Errorf("template %s: no --- line before the body", name)
	}
	if t.title == nil {
		return nil, fmt.Errorf("template %s: no title", name)
	}
	return t, nil
}

// header reads one header line: "key: value", "var NAME: NUMBER", "#" comments,
// and "---" which starts the body.
func (t *Template) header(line int, text string, inBody *bool) error {
	trim := strings.TrimSpace(text)
	switch {
	case trim == "" || strings.HasPrefix(trim, "#"):
		return nil
	case trim == "---":
		*inBody = true
		return nil
	}
	key, value, ok := strings.Cut(trim, ":")
	if !ok {
		return fmt.Errorf("header line %q is not key: value", trim)
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if v, ok := strings.CutPrefix(key, "var "); ok {
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("var %s: %q is not a number", v, value)
		}
		t.vars[strings.TrimSpace(v)] = n
		return nil
	}
	switch key {
	case "name":
		if value != t.Name {
			return fmt.Errorf("name %q differs from the file name %q", value, t.Name)
		}
	case "label":
		t.Label = value
	case "description":
		t.Description = value
	case "period":
		if !slices.Contains([]string{"any", "year", "month", "week", "quarter"}, value) {
			return fmt.Errorf("period %q is not any, year, month, week or quarter", value)
		}
		t.Period = value
	case "title":
		segs, err := t.inline(value)
		if err != nil {
			return err
		}
		t.title = segs
	default:
		return fmt.Errorf("unknown header key %q", key)
	}
	return nil
}

// bodyLine reads one body line: a heading, a table, or a paragraph. Blank lines
// and lines starting with "#" are skipped.
func (t *Template) bodyLine(line int, text string) error {
	trim := strings.TrimSpace(text)
	if trim == "" || strings.HasPrefix(trim, "#") {
		return nil
	}
	if name, ok := strings.CutPrefix(trim, "{{table "); ok && strings.HasSuffix(name, "}}") {
		name = strings.TrimSpace(strings.TrimSuffix(name, "}}"))
		if _, ok := tableSources[name]; !ok {
			return fmt.Errorf("unknown table %q", name)
		}
		t.body = append(t.body, tmplBlock{kind: blockTable, line: line, table: name})
		return nil
	}
	b := tmplBlock{kind: blockParagraph, line: line}
	switch {
	case strings.HasPrefix(trim, "== "):
		b.kind, b.level, trim = blockHeading, 2, strings.TrimSpace(trim[3:])
	case strings.HasPrefix(trim, "= "):
		b.kind, b.level, trim = blockHeading, 1, strings.TrimSpace(trim[2:])
	}
	segs, err := t.inline(trim)
	if err != nil {
		return err
	}
	b.segs = segs
	t.body = append(t.body, b)
	return nil
}

// inline splits text into literal runs and placeholders; "**" toggles bold.
func (t *Template) inline(text string) ([]segment, error) {
	var out []segment
	bold := false
	for text != "" {
		open := strings.Index(text, "{{")
		star := strings.Index(text, "**")
		switch {
		case star >= 0 && (open < 0 || star < open):
			if star > 0 {
				out = append(out, segment{text: text[:star], bold: bold})
			}
			bold, text = !bold, text[star+2:]
		case open >= 0:
			if open > 0 {
				out = append(out, segment{text: text[:open], bold: bold})
			}
			end := strings.Index(text[open:], "}}")
			if end < 0 {
				return nil, fmt.Errorf("unclosed {{ in %q", text)
			}
			ph, err := t.parsePlaceholder(strings.TrimSpace(text[open+2 : open+end]))
			if err != nil {
				return nil, err
			}
			out = append(out, segment{ph: ph, bold: bold})
			text = text[open+end+2:]
		default:
			out, text = append(out, segment{text: text, bold: bold}), ""
		}
	}
	if bold {
		return nil, fmt.Errorf("unclosed ** in line")
	}
	return out, nil
}

// parsePlaceholder reads "TARGET key=value…". An indicator id may carry
// arguments in parentheses, spaces allowed: legal.model_villages(9, province).
func (t *Template) parsePlaceholder(src string) (*placeholder, error) {
	p := &placeholder{src: src}
	target, rest := src, ""
	if i := strings.IndexByte(src, '('); i >= 0 && !strings.ContainsAny(src[:i], " \t") {
		j := strings.IndexByte(src, ')')
		if j < i {
			return nil, fmt.Errorf("placeholder {{%s}}: unclosed (", src)
		}
		target, rest = src[:j+1], src[j+1:]
	} else if i := strings.IndexAny(src, " \t"); i >= 0 {
		target, rest = src[:i], src[i:]
	}
	p.target = target
	switch {
	case strings.HasPrefix(target, "$"):
		p.kind, p.target = phVar, target[1:]
		if _, ok := t.vars[p.target]; !ok {
			return nil, fmt.Errorf("placeholder {{%s}}: no var %s in the header", src, p.target)
		}
	case strings.Contains(target, "."):
		p.kind = phFigure
		base, args := SplitID(target)
		for i, a := range args { // $var arguments take the header's value
			k, v, named := strings.Cut(a, "=")
			if !named {
				k, v = "", a
			} else {
				k += "="
			}
			if v, ok := strings.CutPrefix(v, "$"); ok {
				n, ok := t.vars[v]
				if !ok {
					return nil, fmt.Errorf("placeholder {{%s}}: no var %s in the header", src, v)
				}
				args[i] = k + strconv.FormatFloat(n, 'f', -1, 64)
			}
		}
		if args != nil {
			p.target = base + "(" + strings.Join(args, ", ") + ")"
		}
	case slices.Contains(names, target):
		p.kind = phName
	default:
		return nil, fmt.Errorf("placeholder {{%s}}: %q is neither an indicator id, a $var nor one of %s", src, target, strings.Join(names, ", "))
	}
	for _, opt := range strings.Fields(rest) {
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			return nil, fmt.Errorf("placeholder {{%s}}: option %q is not key=value", src, opt)
		}
		var err error
		switch k {
		case "dp":
			p.dp, err = strconv.Atoi(v)
			if err == nil && (p.dp < 0 || p.dp > 3) {
				err = fmt.Errorf("dp must be 0 to 3")
			}
		case "unit":
			p.unit, err = v, oneOf(v, units)
		case "round":
			p.round, err = v, oneOf(v, rounds)
		case "region":
			p.region, err = v, oneOf(v, regions)
		case "period":
			p.period, err = v, oneOf(v, periods)
		default:
			err = fmt.Errorf("unknown option")
		}
		if err != nil {
			return nil, fmt.Errorf("placeholder {{%s}}: option %s: %w", src, opt, err)
		}
	}
	return p, nil
}

func oneOf(v string, allowed []string) error {
	if !slices.Contains(allowed, v) {
		return fmt.Errorf("%q is not one of %q", v, allowed)
	}
	return nil
}

// FigureIDs lists the indicator ids the template's placeholders name, arguments
// included, each once, in order of appearance.
func (t *Template) FigureIDs() []string {
	var out []string
	add := func(segs []segment) {
		for _, s := range segs {
			if s.ph != nil && s.ph.kind == phFigure && !slices.Contains(out, s.ph.target) {
				out = append(out, s.ph.target)
			}
		}
	}
	add(t.title)
	for _, b := range t.body {
		add(b.segs)
	}
	return out
}

// Tables lists the names of the template's tables.
func (t *Template) Tables() []string {
	var out []string
	for _, b := range t.body {
		if b.kind == blockTable {
			out = append(out, b.table)
		}
	}
	return out
}
