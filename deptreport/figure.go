package deptreport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/regionfile"
)

// Normalize checks one figure and puts it in canonical form: the metric's id for a
// Chinese label, the 12- or 15-digit region code, dates as YYYY-MM-DD. It returns
// every problem, each naming the field (and the figure's Row); the store calls it on
// every figure whatever way it came, so the rules live here once.
func Normalize(ms []zhili.DepartmentMetric, f *zhili.DepartmentFigure) []zhili.FieldError {
	var bad []zhili.FieldError
	fail := func(field, code, reason string) {
		bad = append(bad, zhili.FieldError{Row: f.Row, Field: field, Code: code, Reason: reason})
	}
	m := Lookup(ms, f.Metric)
	switch {
	case strings.TrimSpace(f.Metric) == "":
		fail("metric", "required", "metric is required")
	case m == nil:
		fail("metric", "unknown_metric", fmt.Sprintf("unknown metric %q (see GET /api/v1/department-metrics)", f.Metric))
	default:
		f.Metric = m.ID
	}
	if code, _, err := regionfile.NormalizeCode(f.RegionCode); err != nil {
		fail("region_code", "malformed", zhili.ErrorMessage(err))
	} else {
		f.RegionCode = code
	}
	startOK, endOK := true, true
	if d, err := ParseDate(f.PeriodStart); err != nil {
		fail("period_start", "malformed", err.Error())
		startOK = false
	} else {
		f.PeriodStart = d
	}
	if d, err := ParseDate(f.PeriodEnd); err != nil {
		fail("period_end", "malformed", err.Error())
		endOK = false
	} else {
		f.PeriodEnd = d
	}
	if m != nil && startOK && endOK {
		if why := CheckPeriod(m.Period, f.PeriodStart, f.PeriodEnd); why != "" {
			fail("period_end", "bad_period", why)
		}
	}
	if f.Value < 0 {
		fail("value", "negative", "value must not be negative")
	}
	f.Note = strings.TrimSpace(f.Note)
	if len([]rune(f.Note)) > 500 {
		fail("note", "too_long", "note is longer than 500 characters")
	}
	return bad
}

var (
	dmy    = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	digits = regexp.MustCompile(`^\d{8}$`)
	serial = regexp.MustCompile(`^\d{5}(\.0+)?$`)
)

// ParseDate reads a day as written in forms and spreadsheets: 2026-03-01,
// 2026/3/1, 2026.3.1, 2026年3月1日, 20260301, or an Excel serial day number.
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	var t time.Time
	var err error
	switch {
	case s == "":
		return "", fmt.Errorf("date is required")
	case dmy.MatchString(s):
		p := dmy.FindStringSubmatch(s)
		y, _ := strconv.Atoi(p[1])
		mo, _ := strconv.Atoi(p[2])
		d, _ := strconv.Atoi(p[3])
		t = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(mo) || t.Day() != d {
			return "", fmt.Errorf("%q is not a day of the calendar", s)
		}
	case digits.MatchString(s):
		if t, err = time.Parse("20060102", s); err != nil {
			return "", fmt.Errorf("%q is not a day of the calendar", s)
		}
	case serial.MatchString(s):
		n, _ := strconv.Atoi(strings.SplitN(s, ".", 2)[0])
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	default:
		return "", fmt.Errorf("%q is not a date; write it as YYYY-MM-DD", s)
	}
	return t.Format(time.DateOnly), nil
}

// ParseValue reads a figure's value: a whole number (thousands separators allowed),
// or, when yuan is set, an amount in 元 with at most two decimals, returned in fen.
func ParseValue(s string, yuan bool) (int64, error) {
	s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, fmt.Errorf("value is required")
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if strings.TrimLeft(whole, "-0123456789") != "" || strings.TrimLeft(frac, "0123456789") != "" || whole == "" || whole == "-" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number in range", s)
	}
	if !yuan {
		if hasFrac && strings.Trim(frac, "0") != "" {
			return 0, fmt.Errorf("%q must be a whole number", s)
		}
		return n, nil
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals (分)", s)
	}
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	if n > (1<<62)/100 || n < -(1<<62)/100 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if strings.HasPrefix(whole, "-") {
		return n*100 - f, nil
	}
	return n*100 + f, nil
}
