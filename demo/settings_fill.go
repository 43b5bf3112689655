package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
)

// CityName is the demo county's fictional city (市), named where the report
// templates say *市. No city of that name exists.
const CityName = "河洛市"

// PairingMechanism is the demo's 驻村干部"*＋*"帮带机制 (FIGURES.md F13–14).
const PairingMechanism = "1＋N"

// demoSettings are the deployment settings the reports read (docs/reports.md).
var demoSettings = []struct{ key, value string }{
	{report.SettingCountyName, CountyName},
	{report.SettingCountyShort, strings.TrimSuffix(CountyName, "县")},
	{report.SettingCityName, CityName},
	{report.SettingPairingMechanism, PairingMechanism},
}

// fillSettings stores the place names and the pairing mechanism, each with an
// audit entry by the system, keeping any value already set.
func fillSettings(ctx context.Context, f *Fill) error {
	var rows [][]any
	for _, s := range demoSettings {
		if v, err := f.DB.Setting(ctx, s.key); err != nil {
			return fmt.Errorf("read setting %s: %w", s.key, err)
		} else if v == "" {
			rows = append(rows, []any{s.key, s.value})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	b, err := f.DB.BeginDemoBatch(ctx)
	if err != nil {
		return err
	}
	defer b.Rollback()
	for _, r := range rows {
		if err := b.Audit(zhili.ActorFromContext(ctx), f.Today, "setting.set", "setting", r[0], map[string]any{"value": r[1]}); err != nil {
			return err
		}
	}
	if err := b.Insert(ctx, "settings", []string{"key", "value"}, rows); err != nil {
		return err
	}
	return b.Commit(ctx)
}
