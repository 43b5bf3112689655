package report

import (
	"context"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// CaseFigures serves the case figures (FIGURES.md F33–F36, F41, F42, F47,
// F51–F53) from the case store's counts, so those figures are real before any
// indicator engine exists. Other ids are ErrUnknownFigure: chain it after (or
// before) the engine.
type CaseFigures struct {
	Counts  zhili.CaseCountService
	Regions zhili.RegionService
}

// Figure implements Figures.
func (c CaseFigures) Figure(ctx context.Context, id, region string, from, to time.Time) (Figure, error) {
	desc, ok := zhili.FindCaseCount(id)
	if !ok {
		return Figure{}, fmt.Errorf("%w: %s", ErrUnknownFigure, id)
	}
	reg, err := c.Regions.FindRegionByCode(ctx, region)
	if err != nil {
		return Figure{}, err
	}
	f, err := c.Counts.Count(ctx, id, reg.ID, Day(from), Day(to))
	if err != nil {
		return Figure{}, err
	}
	out := Figure{ID: id, Value: float64(f.Value), Text: f.Display, Unit: desc.Unit, URL: RecordsURL(id, region, from, to)}
	switch id {
	case zhili.CountDisputeRate: // tenths of a percent
		out.Value = float64(f.Value) / 10
	case zhili.CountLaborWagesRecovered: // fen
		out.Value, out.Unit = float64(f.Value)/100, "元"
	}
	return out, nil
}
