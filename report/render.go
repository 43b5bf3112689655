package report

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// Renderer fills templates from the platform's data.
type Renderer struct {
	// Figures computes the indicators the placeholders name.
	Figures Figures
	// Regions resolves region codes, the county seat and the county's name.
	Regions zhili.RegionService
	// Rhythm feeds the tables of the weekly and monthly templates; nil leaves
	// templates with tables unrenderable.
	Rhythm zhili.RhythmService
	// Settings holds the place names and the pairing mechanism; may be nil.
	Settings Settings
	// Tasks lists the work plan's tasks for the tasks.period table; Assess scores
	// the assessment schemes for the assess.* tables (docs/assessment.md).
	Tasks  zhili.TaskService
	Assess assess.Service
	// Disputes feeds the disputes.* tables of the dispute special bulletin
	// (tables_disputes.go); nil leaves that template unrenderable.
	Disputes zhili.DisputeReportService
	// Clock stamps GeneratedAt and bounds lists made "as of now".
	Clock zhili.Clock
	// Strict makes a figure no source knows an error; otherwise it prints "××",
	// is marked missing and listed in Document.Missing.
	Strict bool
}

// Params chooses what to render: a region by code and a period of days.
type Params struct {
	Region string `json:"region"`
	From   string `json:"from"` // YYYY-MM-DD, first day
	To     string `json:"to"`   // YYYY-MM-DD, last day, inclusive
}

// missingText stands for a value no source could give, as drafts write it.
const missingText = "××"

// renderEnv is one rendering in progress.
type renderEnv struct {
	r        *Renderer
	tmpl     *Template
	region   *zhili.Region
	from, to time.Time // first and last day, 00:00 China time
	now      time.Time
	doc      *Document
	seat     *zhili.Region
	county   *zhili.Region
	// bulletins and weekly keep the rhythm's answers for the tables that share them.
	bulletins map[string]*zhili.MonthlyBulletin
	weekly    *zhili.WeeklyReview
	assessed  map[string]*assess.Result
	disputes  *zhili.DisputeReport // the disputes.* tables share one answer
}

// Render fills template name for p. EINVALID names each bad parameter; ENOTFOUND
// for an unknown template or a region outside the caller's scope; EFORBIDDEN for
// a role that may not read business data.
func (r *Renderer) Render(ctx context.Context, name string, p Params) (*Document, error) {
	if err := zhili.ActorFromContext(ctx).Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	t, ok := Lookup(name)
	if !ok {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "No report template %q.", name)
	}
	if strings.TrimSpace(p.Region) == "" {
		return nil, zhili.Invalid("The region is required.", zhili.FieldError{Field: "region", Code: "required", Reason: "region must be a region code"})
	}
	start, end, err := zhili.ParseDayRange(p.From, p.To)
	if err != nil {
		return nil, err
	}
	from, to := widen(t.Period, start.In(zhili.ChinaTime), end.In(zhili.ChinaTime).AddDate(0, 0, -1))
	reg, err := r.Regions.FindRegionByCode(ctx, strings.TrimSpace(p.Region))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if r.Clock != nil {
		now = r.Clock.Now()
	}
	e := &renderEnv{r: r, tmpl: t, region: reg, from: from, to: to, now: now}
	e.doc = &Document{Template: t.Name, Label: t.Label, Region: RegionRef{Code: reg.Code, Name: reg.Name},
		From: Day(from), To: Day(to), GeneratedAt: now.UTC(), Figures: []Placeholder{}, Names: map[string]string{}, Tables: []*Table{}}
	title, err := e.runs(ctx, t.title)
	if err != nil {
		return nil, err
	}
	for _, run := range title {
		e.doc.Title += run.Text
	}
	counters := [3]int{}
	for _, b := range t.body {
		switch b.kind {
		case blockTable:
			tab, err := tableSources[b.table].build(ctx, e)
			if err != nil {
				return nil, fmt.Errorf("table %s: %w", b.table, err)
			}
			tab.Name = b.table
			e.doc.Tables = append(e.doc.Tables, tab)
			e.doc.Blocks = append(e.doc.Blocks, Block{Kind: "table", Table: len(e.doc.Tables) - 1})
		default:
			runs, err := e.runs(ctx, b.segs)
			if err != nil {
				return nil, err
			}
			blk := Block{Kind: "paragraph", Runs: runs}
			if b.kind == blockHeading {
				counters[b.level]++
				if b.level == 1 {
					counters[2] = 0
				}
				blk.Kind, blk.Level, blk.Number = "heading", b.level, headingNumber(b.level, counters[b.level])
			}
			e.doc.Blocks = append(e.doc.Blocks, blk)
		}
	}
	return e.doc, nil
}

// widen reads the period as the template asks: the whole ISO week or month that
// holds its first day, or the days as given.
func widen(period string, from, to time.Time) (time.Time, time.Time) {
	switch period {
	case "week":
		from = from.AddDate(0, 0, -((int(from.Weekday()) + 6) % 7))
		return from, from.AddDate(0, 0, 6)
	case "month":
		from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, zhili.ChinaTime)
		return from, from.AddDate(0, 1, -1)
	case "quarter":
		from = time.Date(from.Year(), from.Month()-(from.Month()-1)%3, 1, 0, 0, 0, 0, zhili.ChinaTime)
		return from, from.AddDate(0, 3, -1)
	}
	return from, to
}

// runs fills a line's segments.
func (e *renderEnv) runs(ctx context.Context, segs []segment) ([]Run, error) {
	out := make([]Run, 0, len(segs))
	for _, s := range segs {
		if s.ph == nil {
			out = append(out, Run{Text: s.text, Bold: s.bold})
			continue
		}
		switch s.ph.kind {
		case phFigure:
			ph, err := e.figure(ctx, s.ph)
			if err != nil {
				return nil, err
			}
			e.doc.Figures = append(e.doc.Figures, ph)
			out = append(out, Run{Text: ph.Text, Bold: s.bold, Figure: len(e.doc.Figures)})
		case phVar:
			text, _, _, err := formatValue(e.tmpl.vars[s.ph.target], "元", s.ph)
			if err != nil {
				return nil, fmt.Errorf("{{%s}}: %w", s.ph.src, err)
			}
			e.doc.Names["$"+s.ph.target] = text
			out = append(out, Run{Text: text, Bold: s.bold})
		default:
			v, err := e.name(ctx, s.ph.target)
			if err != nil {
				return nil, err
			}
			if v == "" {
				if e.r.Strict {
					return nil, zhili.Errorf(zhili.EINVALID, "The setting for {{%s}} is not set.", s.ph.target)
				}
				v = missingText
				e.doc.Missing = append(e.doc.Missing, s.ph.target)
			}
			e.doc.Names[s.ph.target] = v
			out = append(out, Run{Text: v, Bold: s.bold})
		}
	}
	return out, nil
}

// figure computes one figure placeholder.
func (e *renderEnv) figure(ctx context.Context, p *placeholder) (Placeholder, error) {
	region := e.region.Code
	if p.region == "seat" {
		seat, err := e.countySeat(ctx)
		if err != nil {
			return Placeholder{}, err
		}
		region = seat.Code
	}
	from, to := e.period(p.period)
	ph := Placeholder{N: len(e.doc.Figures) + 1, Source: p.src, ID: p.target, Region: region, From: Day(from), To: Day(to)}
	f, err := e.r.Figures.Figure(ctx, p.target, region, from, to)
	if errors.Is(err, ErrUnknownFigure) && !e.r.Strict {
		ph.Missing, ph.Error, ph.Text = true, err.Error(), missingText
		ph.URL = RecordsURL(p.target, region, from, to)
		e.doc.Missing = append(e.doc.Missing, p.target)
		return ph, nil
	} else if err != nil {
		return ph, fmt.Errorf("figure %s: %w", p.target, err)
	}
	text, v, unit, err := formatValue(f.Value, f.Unit, p)
	if err != nil {
		return ph, fmt.Errorf("{{%s}}: %w", p.src, err)
	}
	exact := f.Value
	ph.Value, ph.Exact, ph.SourceUnit, ph.Text, ph.Unit = &v, &exact, f.Unit, text, unit
	ph.URL = f.URL
	if ph.URL == "" {
		ph.URL = RecordsURL(p.target, region, from, to)
	}
	return ph, nil
}

// period is the placeholder's period: the report's, the year to its last day,
// or the month or week before.
func (e *renderEnv) period(which string) (time.Time, time.Time) {
	switch which {
	case "year":
		return time.Date(e.to.Year(), 1, 1, 0, 0, 0, 0, zhili.ChinaTime), e.to
	case "prev_month":
		first := time.Date(e.from.Year(), e.from.Month(), 1, 0, 0, 0, 0, zhili.ChinaTime)
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)
	case "prev_week":
		return e.from.AddDate(0, 0, -7), e.to.AddDate(0, 0, -7)
	case "prev":
		return e.prevPeriod()
	}
	return e.from, e.to
}

// prevPeriod is the period just before the report's and as long: as many whole
// months when the report covers whole months (March–May gives December–February),
// else as many days.
func (e *renderEnv) prevPeriod() (time.Time, time.Time) {
	if next := e.to.AddDate(0, 0, 1); e.from.Day() == 1 && next.Day() == 1 {
		months := (next.Year()-e.from.Year())*12 + int(next.Month()-e.from.Month())
		return e.from.AddDate(0, -months, 0), e.from.AddDate(0, 0, -1)
	}
	days := int(e.to.Sub(e.from).Hours()/24+0.5) + 1
	return e.from.AddDate(0, 0, -days), e.from.AddDate(0, 0, -1)
}

// countySeat finds the township marked as the county seat under the report's
// region; a township or lower region is its own seat.
func (e *renderEnv) countySeat(ctx context.Context) (*zhili.Region, error) {
	if e.seat != nil {
		return e.seat, nil
	}
	e.seat = e.region
	if e.region.Level >= zhili.LevelTownship {
		return e.seat, nil
	}
	lvl := zhili.LevelTownship
	regs, _, err := e.r.Regions.FindRegions(ctx, zhili.RegionFilter{Under: &e.region.ID, Level: &lvl, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("county seat: %w", err)
	}
	for _, reg := range regs {
		if reg.CountySeat {
			e.seat = reg
			break
		}
	}
	return e.seat, nil
}

// countyRegion is the county holding the report's region (itself at county
// level or above), or nil when it lies outside the caller's scope.
func (e *renderEnv) countyRegion(ctx context.Context) *zhili.Region {
	if e.county != nil {
		return e.county
	}
	reg := e.region
	for reg != nil && reg.Level > zhili.LevelCounty && reg.ParentID != 0 {
		parent, err := e.r.Regions.FindRegion(ctx, reg.ParentID)
		if err != nil {
			return nil
		}
		reg = parent
	}
	e.county = reg
	return reg
}

// setting reads a setting, "" when unset or when there are no settings.
func (e *renderEnv) setting(ctx context.Context, key string) (string, error) {
	if e.r.Settings == nil {
		return "", nil
	}
	v, err := e.r.Settings.Setting(ctx, key)
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return strings.TrimSpace(v), nil
}

// name fills a {{name}} placeholder; "" when nothing gives it a value.
func (e *renderEnv) name(ctx context.Context, n string) (string, error) {
	switch n {
	case "county":
		if v, err := e.setting(ctx, SettingCountyName); v != "" || err != nil {
			return v, err
		}
		if c := e.countyRegion(ctx); c != nil {
			return c.Name, nil
		}
		return e.region.Name, nil
	case "county_short":
		if v, err := e.setting(ctx, SettingCountyShort); v != "" || err != nil {
			return v, err
		}
		county, err := e.name(ctx, "county")
		return shortName(county), err
	case "city":
		if v, err := e.setting(ctx, SettingCityName); v != "" || err != nil {
			return v, err
		}
		if c := e.countyRegion(ctx); c != nil && c.ParentID != 0 {
			if p, err := e.r.Regions.FindRegion(ctx, c.ParentID); err == nil {
				return p.Name, nil
			}
		}
		return "", nil
	case "city_short":
		city, err := e.name(ctx, "city")
		return shortName(city), err
	case "pairing_mechanism":
		return e.setting(ctx, SettingPairingMechanism)
	case "region":
		return e.region.Name, nil
	case "period":
		if e.from.Equal(e.to) {
			return cnDate(e.from), nil
		}
		return cnDate(e.from) + "至" + cnDate(e.to), nil
	case "year":
		return strconv.Itoa(e.to.Year()), nil
	case "month":
		return strconv.Itoa(int(e.from.Month())), nil
	case "week": // the ISO week, whose year can differ from the calendar's
		y, w := e.from.ISOWeek()
		return strconv.Itoa(y) + "年第" + strconv.Itoa(w) + "周", nil
	case "today":
		return cnDate(e.now), nil
	case "quarter":
		return quarterName(int(e.from.Month())), nil
	}
	return "", fmt.Errorf("unknown name %q", n)
}

// shortName drops the administrative suffix: 青山县 → 青山.
func shortName(s string) string {
	for _, suf := range []string{"自治县", "县", "市", "区", "旗"} {
		if t, ok := strings.CutSuffix(s, suf); ok && t != "" {
			return t
		}
	}
	return s
}
