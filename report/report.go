// Package report drafts the documents county leaders govern by — the exchange
// material, the weekly dispatch sheet, the monthly bulletin — from live data. A
// report is a template in the repository (templates/*.tmpl, format in
// docs/reports.md) whose placeholders name indicators; Render fills them for a
// region and a period into a Document, which writes itself as JSON, HTML, Word
// (.docx) and Excel (.xlsx). Figures come through the small Figures interface,
// so any indicator engine can serve them.
package report

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// Figure is one computed figure as a source returns it.
type Figure struct {
	// ID is the indicator id as asked, arguments included:
	// "village.income_share_at_least(100000)".
	ID string `json:"id"`
	// Value is exact in Unit: a count, a sum of people, money in 元 (yuan), a
	// percentage (93.5 for 93.5％).
	Value float64 `json:"value"`
	// Text is the source's own rendering, kept for reference; placeholders format
	// Value themselves with their unit and rounding.
	Text string `json:"text,omitempty"`
	// Unit is the unit of Value: a measure word (件, 名, 个), "元" for money or
	// "％" for a percentage. Money in "分" is accepted and converted.
	Unit string `json:"unit,omitempty"`
	// URL opens the records behind the figure; empty means the default
	// /indicators/{id}/records?region=&from=&to= (RecordsURL).
	URL string `json:"url,omitempty"`
}

// Figures computes indicators. from and to are the first and the last day of the
// period, inclusive, at 00:00 China time; region is a region code. A source that
// does not know an id returns an error wrapping ErrUnknownFigure; a region out of
// the caller's scope is ENOTFOUND, as everywhere.
type Figures interface {
	Figure(ctx context.Context, id, region string, from, to time.Time) (Figure, error)
}

// ErrUnknownFigure is wrapped by a Figures source asked for an id it does not
// compute, so that Chain can ask the next one.
var ErrUnknownFigure = errors.New("unknown figure")

// Chain asks each source in turn until one knows the id.
type Chain []Figures

// Figure implements Figures.
func (c Chain) Figure(ctx context.Context, id, region string, from, to time.Time) (Figure, error) {
	for _, src := range c {
		f, err := src.Figure(ctx, id, region, from, to)
		if !errors.Is(err, ErrUnknownFigure) {
			return f, err
		}
	}
	return Figure{}, fmt.Errorf("%w: %s", ErrUnknownFigure, id)
}

// Fixed is a table of figures by id (with arguments, or the bare id for any
// arguments), the same whatever the region and period: for tests, and for
// figures no engine computes yet.
type Fixed map[string]Figure

// Figure implements Figures.
func (t Fixed) Figure(_ context.Context, id, _ string, _, _ time.Time) (Figure, error) {
	f, ok := t[id]
	if !ok {
		base, _ := SplitID(id)
		f, ok = t[base]
	}
	if !ok {
		return Figure{}, fmt.Errorf("%w: %s", ErrUnknownFigure, id)
	}
	f.ID = id
	return f, nil
}

// SplitID separates an indicator id from its arguments:
// "legal.model_villages(9, province)" is "legal.model_villages" and ["9",
// "province"].
func SplitID(id string) (base string, args []string) {
	i := strings.IndexByte(id, '(')
	if i < 0 || !strings.HasSuffix(id, ")") {
		return id, nil
	}
	for _, a := range strings.Split(id[i+1:len(id)-1], ",") {
		if a = strings.TrimSpace(a); a != "" {
			args = append(args, a)
		}
	}
	return id[:i], args
}

// IDParams returns an id's named arguments ("county_seat=true") as a map; nil
// when it has none. Positional arguments are keyed "1", "2", ….
func IDParams(id string) map[string]string {
	_, args := SplitID(id)
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]string, len(args))
	for i, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		} else {
			m[strconv.Itoa(i+1)] = a
		}
	}
	return m
}

// RecordsURL is the drill-down page of an indicator, the records counted:
// /indicators/{id}/records?region=&from=&to=, with the id's named arguments as
// further query parameters.
func RecordsURL(id, region string, from, to time.Time) string {
	base, _ := SplitID(id)
	q := url.Values{"region": {region}, "from": {Day(from)}, "to": {Day(to)}}
	for k, v := range IDParams(id) {
		q.Set(k, v)
	}
	return "/indicators/" + url.PathEscape(base) + "/records?" + q.Encode()
}

// Day formats the China-time day holding t.
func Day(t time.Time) string { return zhili.Day(t) }

// ParseDay reads a day YYYY-MM-DD as 00:00 China time.
func ParseDay(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, zhili.ChinaTime)
}

// Settings reads deployment settings by key; an absent key reads as "".
// *sqlstore.DB implements it.
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
}

// Setting keys the templates read. Absent keys fall back as docs/reports.md says.
const (
	SettingCountyName       = "county_name"       // *县: 青山县; default the region's county
	SettingCountyShort      = "county_short_name" // 平安*: 青山; default the county name less 县/市/区
	SettingCityName         = "city_name"         // *市: the city of the 市域 pilot
	SettingPairingMechanism = "pairing_mechanism" // "*＋*" 帮带机制: e.g. 1＋N
)
