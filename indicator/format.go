package indicator

import (
	"fmt"
	"strconv"

	"github.com/zhili-project/zhili"
)

// Result is what a store computes for one base indicator: Value for count, sum
// and distinct; Num and Den for a share.
type Result struct {
	Value, Num, Den int64
}

const (
	fenPerWan = 100 * 10000     // fen in a 万元
	fenPerYi  = 100 * 100000000 // fen in a 亿元
)

// Format fills a value's Raw, Number and Text by the definition's format, the
// seed's ways of writing a figure:
//
//	int       1234件
//	duo, yu   1234 → "1200多个" / "1200余起" (rounded down to two significant digits,
//	          one below 100; the word is dropped when nothing was rounded away)
//	wan1      fen → 万元 with one decimal, rounded half up: "123.4万元"
//	yi1       fen → 亿元 with one decimal, rounded half up: "1.2亿元"
//	wan_duo   fen → "350多万元" (zhili.FormatWanDuo, as docs/cases.md)
//	percent1  Num ÷ Den in tenths of a percent, truncated: "93.5％"; "—" when Den is 0
//	percent0  Num ÷ Den in whole percent, truncated: "93％"
func Format(d *Def, r Result, v *zhili.IndicatorValue) {
	v.Unit = d.Unit
	switch d.Format {
	case "percent1", "percent0":
		v.Num, v.Den = r.Num, r.Den
		v.Raw = zhili.RateTenths(r.Num, r.Den)
		v.Number = float64(v.Raw) / 10
		switch {
		case r.Den == 0:
			v.Text = "—"
		case d.Format == "percent1":
			v.Text = zhili.FormatRate(v.Raw)
		default:
			v.Text = strconv.FormatInt(v.Raw/10, 10) + "％"
		}
		return
	}
	n := r.Value
	v.Raw = n
	v.Number = float64(n)
	switch d.Format {
	case "int":
		v.Text = strconv.FormatInt(n, 10) + d.Unit
	case "duo", "yu":
		round, exact := zhili.RoundDownDuo(n)
		word := map[string]string{"duo": "多", "yu": "余"}[d.Format]
		if exact {
			word = ""
		}
		v.Text = strconv.FormatInt(round, 10) + word + d.Unit
	case "wan1":
		v.Number = float64(n) / fenPerWan
		v.Text = tenths(n, fenPerWan/10) + "万元"
	case "yi1":
		v.Number = float64(n) / fenPerYi
		v.Text = tenths(n, fenPerYi/10) + "亿元"
	case "wan_duo":
		v.Number = float64(n) / fenPerWan
		v.Text = zhili.FormatWanDuo(n)
	}
}

// tenths writes n/unit rounded half up to one decimal.
func tenths(n, unit int64) string {
	neg := ""
	if n < 0 {
		neg, n = "-", -n
	}
	t := (n + unit/2) / unit
	return fmt.Sprintf("%s%d.%d", neg, t/10, t%10)
}
