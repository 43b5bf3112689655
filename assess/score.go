package assess

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Result is a scheme's scores and ranking for a period.
type Result struct {
	Scheme      string      `json:"scheme"`
	Label       string      `json:"label"`
	Period      string      `json:"period"`
	From        string      `json:"from"` // first day
	To          string      `json:"to"`   // last day, inclusive
	Region      RegionRef   `json:"region"`
	BaseScore   float64     `json:"base_score"`
	GeneratedAt time.Time   `json:"generated_at"`
	Units       []UnitScore `json:"units"` // in rank order
	RedList     []UnitScore `json:"red_list"`
	BlackList   []UnitScore `json:"black_list"`
	// Partial is true when the caller sees some units' scores but not their lines.
	Partial bool `json:"partial,omitempty"`
}

// RegionRef names the region a result covers.
type RegionRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// UnitScore is one unit's score with the lines that made it.
type UnitScore struct {
	Rank  int     `json:"rank"` // 1 is best; equal scores share a rank
	Unit  Unit    `json:"unit"`
	Score float64 `json:"score"`
	Lost  float64 `json:"lost"` // base score − score
	// Lines explain the score item by item; empty (and Hidden true) for a unit
	// whose lines the caller may not read.
	Lines  []Line `json:"lines"`
	Hidden bool   `json:"hidden,omitempty"`
	// Idle marks a unit nothing was measured for (a department that held no
	// case): 未参评, listed last with rank 0 and on neither list.
	Idle bool `json:"idle,omitempty"`
}

// Line is one item of a unit's score.
type Line struct {
	Item      string      `json:"item"`
	Label     string      `json:"label"`
	Weight    float64     `json:"weight"`
	Score     float64     `json:"score"`
	Lost      float64     `json:"lost"`
	Measure   Measurement `json:"measure"`
	ValueText string      `json:"value_text"` // 83.3％, 3个
	// Reason is how the rule turned the value into the score.
	Reason string `json:"reason"`
	// PerRecord is the points each record cost under a deduct rule; 0 otherwise.
	PerRecord float64 `json:"per_record,omitempty"`
}

// Score ranks the units by their total, best first; ties share a rank and are
// ordered by name.
func Score(s *Scheme, p Period, region RegionRef, units []UnitMeasures, now time.Time) *Result {
	res := &Result{Scheme: s.Name, Label: s.Label, Period: p.Label, From: day(p.From), To: day(p.To.AddDate(0, 0, -1)),
		Region: region, BaseScore: s.BaseScore, GeneratedAt: now.UTC(), Units: []UnitScore{}, RedList: []UnitScore{}, BlackList: []UnitScore{}}
	for _, u := range units {
		us := UnitScore{Unit: u.Unit, Lines: []Line{}}
		for _, it := range s.Items {
			l := scoreItem(it, u.Measures[it.Key])
			us.Score += l.Score
			us.Lines = append(us.Lines, l)
		}
		us.Score = round2(us.Score)
		us.Lost = round2(s.BaseScore - us.Score)
		us.Idle = idle(us.Lines)
		res.Units = append(res.Units, us)
	}
	slices.SortStableFunc(res.Units, func(a, b UnitScore) int {
		if a.Idle != b.Idle {
			if b.Idle {
				return -1
			}
			return 1
		}
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Unit.Name, b.Unit.Name)
	})
	n := 0 // units ranked
	for i := range res.Units {
		switch {
		case res.Units[i].Idle:
			continue
		case i == 0 || res.Units[i].Score != res.Units[i-1].Score:
			res.Units[i].Rank = i + 1
		default:
			res.Units[i].Rank = res.Units[i-1].Rank
		}
		n++
	}
	// Neither list takes more than half the units ranked, so none is on both,
	// and no unit tied with one on the red list is on the black list.
	red := min(s.RedList, n/2)
	res.RedList = append(res.RedList, res.Units[:red]...)
	black := min(s.BlackList, n/2)
	for i := n - 1; i >= n-black; i-- {
		if red > 0 && res.Units[i].Score >= res.Units[red-1].Score {
			break
		}
		res.BlackList = append(res.BlackList, res.Units[i])
	}
	return res
}

// idle says no line measured anything: no cases, visits, grid-days, ledger
// months or records, and no indicator value.
func idle(lines []Line) bool {
	for _, l := range lines {
		if m := l.Measure; m.Den != 0 || m.Count != 0 || len(m.Records) != 0 || m.Value != 0 {
			return false
		}
	}
	return true
}

// Redact drops the lines of the units the caller may not read, keeping their
// names, scores and ranks.
func (r *Result) Redact() {
	hide := func(list []UnitScore) {
		for i := range list {
			if !list[i].Unit.Visible {
				list[i].Lines, list[i].Hidden = []Line{}, true
				r.Partial = true
			}
		}
	}
	hide(r.Units)
	hide(r.RedList)
	hide(r.BlackList)
}

// scoreItem applies an item's rule to a measurement.
func scoreItem(it Item, m Measurement) Line {
	if m.Records == nil {
		m.Records = []Record{}
	}
	l := Line{Item: it.Key, Label: it.Label, Weight: it.Weight, Measure: m, ValueText: valueText(m)}
	switch {
	case m.Empty && it.Rule.Kind != RuleDeduct:
		l.Score = it.Weight
		l.Reason = "本期无可考核事项，按满分计" + pts(it.Weight)
	case it.Rule.Kind == RuleDeduct:
		capped := it.Rule.Cap
		if capped == 0 {
			capped = it.Weight
		}
		lost := it.Rule.Per * float64(m.Count)
		l.PerRecord = it.Rule.Per
		l.Reason = fmt.Sprintf("%d项，每项扣%s分", m.Count, num(it.Rule.Per))
		if lost > capped {
			lost = capped
			l.Reason += "，扣分封顶" + num(capped) + "分"
		}
		l.Score = it.Weight - lost
		l.Reason += "，得" + num(round2(l.Score)) + "分"
	case it.Rule.Kind == RuleThreshold:
		l.Reason = fmt.Sprintf("%s，未达到最低档%s，得0分", l.ValueText, num(it.Rule.Bands[len(it.Rule.Bands)-1].AtLeast)+m.Unit)
		for _, b := range it.Rule.Bands {
			if m.Value+1e-9 >= b.AtLeast {
				l.Score = b.Score
				l.Reason = fmt.Sprintf("%s，达到“%s以上”档，得%s分", l.ValueText, num(b.AtLeast)+m.Unit, num(b.Score))
				break
			}
		}
	case it.Rule.Kind == RuleRatio:
		share := math.Min(1, math.Max(0, m.Value/it.Rule.Target))
		l.Score = it.Weight * share
		l.Reason = fmt.Sprintf("%s÷目标%s×%s分，得%s分", l.ValueText, num(it.Rule.Target)+m.Unit, num(it.Weight), num(round2(l.Score)))
	}
	l.Score = round2(l.Score)
	l.Lost = round2(it.Weight - l.Score)
	return l
}

func valueText(m Measurement) string {
	if m.Empty {
		return "无"
	}
	switch m.Unit {
	case "％":
		return strconv.FormatFloat(math.Floor(m.Value*10+1e-9)/10, 'f', 1, 64) + "％"
	case "分":
		return strconv.FormatFloat(m.Value, 'f', 2, 64) + "分"
	}
	return num(m.Value) + m.Unit
}

func pts(v float64) string { return num(v) + "分" }

// num writes a number without trailing zeros: 2, 1.5, 0.25.
func num(v float64) string { return strconv.FormatFloat(round2(v), 'f', -1, 64) }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func day(t time.Time) string { return t.Format(time.DateOnly) }
