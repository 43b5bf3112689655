package report

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/zhili-project/zhili"
)

// moneyScale gives, per money unit, how many 元 one of it is.
var moneyScale = map[string]float64{"分": 0.01, "元": 1, "万元": 1e4, "亿元": 1e8}

// formatValue turns a source's exact value into what the placeholder prints:
// money converted to the placeholder's unit, then rounding. Percentages are
// truncated, so 100.0％ always means every one; other figures round half away
// from zero; round=down drops to the round number a "*多"/"*余" figure names.
func formatValue(v float64, srcUnit string, p *placeholder) (text string, out float64, unit string, err error) {
	out, unit = v, srcUnit
	if p.unit != "" {
		from, ok := moneyScale[srcUnit]
		if !ok {
			return "", 0, "", fmt.Errorf("unit=%s needs a money figure, this one is in %q", p.unit, srcUnit)
		}
		out, unit = v*from/moneyScale[p.unit], p.unit
	} else if srcUnit == "分" {
		out, unit = v/100, "元"
	}
	scale := math.Pow(10, float64(p.dp))
	switch {
	case p.round == "down":
		r, _ := zhili.RoundDownDuo(int64(math.Floor(out + 1e-9)))
		out = float64(r)
	case unit == "％":
		out = math.Floor(out*scale+1e-9) / scale
	default:
		out = math.Round(out*scale) / scale
	}
	return strconv.FormatFloat(out, 'f', p.dp, 64), out, unit, nil
}

// cnDate writes a day as 2026年3月2日.
func cnDate(t time.Time) string {
	t = t.In(zhili.ChinaTime)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// cnNumbers are the heading numbers of official documents, 一 to 二十.
var cnNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
	"十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}

// headingNumber numbers the n-th heading (from 1) of a level: "一、", "（一）".
func headingNumber(level, n int) string {
	s := strconv.Itoa(n)
	if n >= 1 && n <= len(cnNumbers) {
		s = cnNumbers[n-1]
	}
	if level == 1 {
		return s + "、"
	}
	return "（" + s + "）"
}

// num makes a numeric cell.
func num(v float64, dp int) Cell {
	return Cell{Text: strconv.FormatFloat(v, 'f', dp, 64), Num: &v}
}

// intCell makes a cell of a count.
func intCell(n int) Cell { return num(float64(n), 0) }
