package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// fillMarketRegulator adds the county's market regulation bureau
// (市场监督管理局, department code market_regulation) and its working account
// shichang: the 双公示 entries (FIGURES.md F66) and the department figure
// credit.disclosures belong to it. It is added through the unit and user
// services, dated when the county was set up, so both are audited.
func fillMarketRegulator(ctx context.Context, f *Fill) error {
	if _, ok := f.Accounts["shichang"]; ok {
		return nil
	}
	saved := f.DB.Clock
	f.DB.Clock = &zhili.FixedClock{T: zhili.StartOfDay(f.Today.AddDate(-1, 0, -44)).Add(10 * time.Hour).UTC()}
	defer func() { f.DB.Clock = saved }()
	u := &zhili.Unit{Kind: zhili.UnitDepartment, Name: CountyName + "市场监督管理局", RegionID: f.County.ID, Code: "market_regulation"}
	if err := sqlstore.NewUnitService(f.DB).CreateUnit(ctx, u); err != nil {
		return fmt.Errorf("market regulation unit: %w", err)
	}
	pw, err := NewPassword()
	if err != nil {
		return err
	}
	name, _ := (&names{rng: rand.New(rand.NewPCG(uint64(f.Seed), 0x5c1c)), used: map[string]bool{}}).person()
	user, err := sqlstore.NewUserService(f.DB).CreateUser(ctx, zhili.UserCreate{Username: "shichang", Name: name,
		Role: zhili.RoleDepartment, UnitID: u.ID, Password: pw})
	if err != nil {
		return fmt.Errorf("market regulation account: %w", err)
	}
	f.Units["dept:market_regulation"] = u.ID
	f.Accounts["shichang"] = &zhili.Actor{UserID: user.ID, Username: user.Username, Role: user.Role, UnitID: u.ID, IP: "10.99.0.1"}
	return nil
}
