package zhili

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Case counts are the seed's figures that come from cases (FIGURES.md F33–F36,
// F41, F42, F47, F51–F53). docs/cases.md defines exactly what each one counts.
const (
	CountDisputeTotal        = "dispute.total"           // F33 排查各类矛盾纠纷*件
	CountDisputeResolved     = "dispute.resolved"        // F34 化解*件
	CountDisputeRate         = "dispute.resolution_rate" // F35–36 化解率*.*％
	CountEmergencyHandled    = "emergency.handled"       // F41 处置突发事件*起
	CountHazardRectified     = "hazard.rectified"        // F42 督促整改安全隐患*条
	CountLivelihoodResolved  = "livelihood.resolved"     // F47 解决群众急事难事*件
	CountLaborComplaints     = "labor.complaints"        // F51 受理劳动监察举报投诉案件*件
	CountLaborWorkersPaid    = "labor.workers_paid"      // F52 为*名劳动者追讨工资
	CountLaborWagesRecovered = "labor.wages_recovered"   // F53 追讨工资*多万元
)

// CaseCount describes one figure counted from cases: its id, the seed's words and
// the unit word the seed writes after it.
type CaseCount struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
}

// CaseCounts lists the case figures in the seed's order.
var CaseCounts = []CaseCount{
	{CountDisputeTotal, "排查矛盾纠纷", "件"},
	{CountDisputeResolved, "化解矛盾纠纷", "件"},
	{CountDisputeRate, "矛盾纠纷化解率", "％"},
	{CountEmergencyHandled, "处置突发事件", "起"},
	{CountHazardRectified, "督促整改安全隐患", "条"},
	{CountLivelihoodResolved, "解决群众急事难事", "件"},
	{CountLaborComplaints, "受理劳动监察举报投诉案件", "件"},
	{CountLaborWorkersPaid, "追讨工资的劳动者", "名"},
	{CountLaborWagesRecovered, "追讨工资", "万元"},
}

// FindCaseCount returns the description of a case figure by id.
func FindCaseCount(id string) (CaseCount, bool) {
	for _, c := range CaseCounts {
		if c.ID == id {
			return c, true
		}
	}
	return CaseCount{}, false
}

// Figure is one figure computed for a region subtree and a period of days.
type Figure struct {
	ID       string `json:"id"`
	RegionID int64  `json:"region_id"`
	From     string `json:"from"` // first day, YYYY-MM-DD, China time
	To       string `json:"to"`   // last day, inclusive
	// Value is exact: a count, a sum of people, money in fen, or a rate in tenths
	// of a percent (935 is 93.5％).
	Value int64 `json:"value"`
	// Num and Den are a rate's numerator and denominator; zero for other figures.
	Num int64 `json:"num,omitempty"`
	Den int64 `json:"den,omitempty"`
	// Display is the figure as the seed's sentence writes it, unit included:
	// "1234件", "93.5％", "350多万元".
	Display string `json:"display"`
	// Unit is the seed's unit word: 件, 起, 条, 名, ％ or 万元.
	Unit string `json:"unit"`
}

// CaseCountService computes the case figures. Both methods return EINVALID for an
// unknown id or a bad period, ENOTFOUND when the region is not in the caller's scope.
type CaseCountService interface {
	// Count computes figure id for the subtree of region under and the days from
	// to to (inclusive, China time).
	Count(ctx context.Context, id string, under int64, from, to string) (*Figure, error)
	// CountRecords lists the ids of the cases behind the figure, ascending: the
	// drill-down. A count has exactly Value of them; a sum adds up over them.
	CountRecords(ctx context.Context, id string, under int64, from, to string) ([]int64, error)
}

// ParseDayRange turns the inclusive days from and to (YYYY-MM-DD, China time) into
// the half-open UTC interval [start, end): 00:00 +08:00 of from to 00:00 +08:00 of
// the day after to (ChinaTime, rhythm.go).
func ParseDayRange(from, to string) (start, end time.Time, err error) {
	var bad []FieldError
	f, err1 := time.ParseInLocation(time.DateOnly, from, ChinaTime)
	if err1 != nil {
		bad = append(bad, FieldError{Field: "from", Code: "malformed", Reason: "from must be a day YYYY-MM-DD"})
	}
	t, err2 := time.ParseInLocation(time.DateOnly, to, ChinaTime)
	if err2 != nil {
		bad = append(bad, FieldError{Field: "to", Code: "malformed", Reason: "to must be a day YYYY-MM-DD"})
	}
	if len(bad) == 0 && t.Before(f) {
		bad = append(bad, FieldError{Field: "to", Code: "out_of_range", Reason: "to is before from"})
	}
	if len(bad) > 0 {
		return time.Time{}, time.Time{}, Invalid("The period is not valid.", bad...)
	}
	return f.UTC(), t.AddDate(0, 0, 1).UTC(), nil
}

// RateTenths is num/den in tenths of a percent, truncated rather than rounded so
// that 100.0％ means every one (0 when den is 0).
func RateTenths(num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	return num * 1000 / den
}

// FormatRate writes a rate in tenths of a percent as the seed does: "93.5％".
func FormatRate(tenths int64) string {
	return fmt.Sprintf("%d.%d％", tenths/10, tenths%10)
}

// RoundDownDuo rounds n down to the round number a "*多" figure names: one
// significant digit below 100 (47 → 40), two from 100 on (356 → 350, 1234 →
// 1200). exact reports that nothing was dropped, when "多" would be wrong.
func RoundDownDuo(n int64) (round int64, exact bool) {
	if n < 10 {
		return n, true
	}
	p := int64(1)
	for n/p >= 100 {
		p *= 10
	}
	if n < 100 {
		p = 10
	}
	round = n / p * p
	return round, round == n
}

// FormatWanDuo writes money in fen as the seed's "*多万元": 3,567,800 元 is
// "350多万元", exactly 350万元 is "350万元". Under 10万元 it says "3万多元", and under
// 1万元 "5400多元", which is how the sentence reads in Chinese.
func FormatWanDuo(fen int64) string {
	const wan = 100 * 10000 // fen in a 万元
	switch {
	case fen <= 0:
		return "0元"
	case fen >= 10*wan:
		r, exact := RoundDownDuo(fen / wan)
		if exact && fen%wan == 0 {
			return strconv.FormatInt(r, 10) + "万元"
		}
		return strconv.FormatInt(r, 10) + "多万元"
	case fen >= wan:
		if fen%wan == 0 {
			return strconv.FormatInt(fen/wan, 10) + "万元"
		}
		return strconv.FormatInt(fen/wan, 10) + "万多元"
	}
	r, exact := RoundDownDuo(fen / 100)
	if exact && fen%100 == 0 {
		return strconv.FormatInt(r, 10) + "元"
	}
	return strconv.FormatInt(r, 10) + "多元"
}
