package report

import (
	"context"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// IndicatorFigures serves every figure from an indicator engine
// (zhili.IndicatorService, docs/indicators.md). An id's arguments become the
// query's parameters: "grid.count(county_seat=true)" asks grid.count with
// county_seat=true. Ids not in the engine's catalogue are ErrUnknownFigure.
type IndicatorFigures struct {
	Indicators zhili.IndicatorService
}

// Figure implements Figures. Value is the engine's Number: the figure in its
// display unit (万元, ％, 件…) before the seed's rounding, which the placeholder
// applies.
func (s IndicatorFigures) Figure(ctx context.Context, id, region string, from, to time.Time) (Figure, error) {
	base, _ := SplitID(id)
	known := false
	for _, info := range s.Indicators.Indicators() {
		if info.ID == base {
			known = true
			break
		}
	}
	if !known {
		return Figure{}, fmt.Errorf("%w: %s", ErrUnknownFigure, id)
	}
	v, err := s.Indicators.Indicator(ctx, zhili.IndicatorQuery{ID: base, Region: region, From: Day(from), To: Day(to), Params: IDParams(id)})
	if err != nil {
		return Figure{}, err
	}
	return Figure{ID: id, Value: v.Number, Text: v.Text, Unit: v.Unit, URL: RecordsURL(id, region, from, to)}, nil
}
