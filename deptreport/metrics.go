// Package deptreport declares the department report metrics (部门报送指标) in an
// embedded JSON file and reads department report files (.xlsx and .csv) into
// figures for the store. It knows nothing of databases or HTTP.
package deptreport

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

//go:embed metrics.json
var metricsJSON []byte

// units are the values a metric may count; "fen" marks money.
var units = map[string]bool{"件": true, "起": true, "人": true, "人次": true, "条": true, "fen": true}

// Metrics returns the declared metrics in file order, checked: unique ids, a known
// unit, at least one department, a known period kind.
func Metrics() ([]zhili.DepartmentMetric, error) {
	return parseMetrics(metricsJSON)
}

// MustMetrics is Metrics for program start; the embedded file is checked by tests.
func MustMetrics() []zhili.DepartmentMetric {
	ms, err := Metrics()
	if err != nil {
		panic(err)
	}
	return ms
}

func parseMetrics(b []byte) ([]zhili.DepartmentMetric, error) {
	var ms []zhili.DepartmentMetric
	if err := json.Unmarshal(b, &ms); err != nil {
		return nil, fmt.Errorf("department metrics: %w", err)
	}
	seen := map[string]bool{}
	for i, m := range ms {
		switch {
		case m.ID == "" || strings.TrimSpace(m.Label) == "":
			return nil, fmt.Errorf("department metric %d: id and label are required", i+1)
		case seen[m.ID] || seen[m.Label]:
			return nil, fmt.Errorf("department metric %s: duplicate id or label", m.ID)
		case !units[m.Unit]:
			return nil, fmt.Errorf("department metric %s: unknown unit %q", m.ID, m.Unit)
		case len(m.Departments) == 0:
			return nil, fmt.Errorf("department metric %s: no department submits it", m.ID)
		case m.Period != "month":
			return nil, fmt.Errorf("department metric %s: unknown period %q (want month)", m.ID, m.Period)
		}
		seen[m.ID], seen[m.Label] = true, true
	}
	return ms, nil
}

// Lookup finds a metric by its id or its Chinese label; nil if none.
func Lookup(ms []zhili.DepartmentMetric, s string) *zhili.DepartmentMetric {
	s = strings.TrimSpace(s)
	for i := range ms {
		if ms[i].ID == s || ms[i].Label == s {
			return &ms[i]
		}
	}
	return nil
}

// CheckPeriod reports why start and end do not form one period of the kind, or ""
// when they do. A month runs from its 1st to its last day inclusive.
func CheckPeriod(kind, start, end string) string {
	s, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return fmt.Sprintf("period start %q is not a date YYYY-MM-DD", start)
	}
	e, err := time.Parse(time.DateOnly, end)
	if err != nil {
		return fmt.Sprintf("period end %q is not a date YYYY-MM-DD", end)
	}
	if kind == "month" {
		first := time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1)
		if !s.Equal(first) || !e.Equal(last) {
			return fmt.Sprintf("the period must be one whole calendar month, e.g. %s to %s", first.Format(time.DateOnly), last.Format(time.DateOnly))
		}
	}
	return ""
}

// MonthOf returns the first and last day of the month "YYYY-MM" (or of the month
// holding a date "YYYY-MM-DD").
func MonthOf(s string) (start, end string, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) > 7 {
		s = s[:7]
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return "", "", false
	}
	return t.Format(time.DateOnly), t.AddDate(0, 1, -1).Format(time.DateOnly), true
}
