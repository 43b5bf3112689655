package demo

import (
	"context"
	"fmt"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// writer stores a plan through the services, so every row is validated,
// encrypted and audited like any other.
type writer struct {
	*plan
	db       *sqlstore.DB
	regionID map[string]int64
	unitID   map[string]int64
	personID map[*personSpec]int64
}

// write stores regions, boundaries, units, people with their positions, and the
// accounts with the given passwords, in that order.
func (w *writer) write(ctx context.Context, passwords []string) (*Result, error) {
	regions := sqlstore.NewRegionService(w.db)
	if _, err := regions.ImportRegions(ctx, w.rows()); err != nil {
		return nil, fmt.Errorf("import regions: %w", err)
	}
	res := &Result{}
	for offset := 0; ; {
		page, total, err := regions.FindRegions(ctx, zhili.RegionFilter{Offset: offset, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("read regions back: %w", err)
		}
		for _, r := range page {
			w.regionID[r.Code] = r.ID
			switch {
			case r.Level == zhili.LevelTownship:
				res.Townships++
			case r.Level == zhili.LevelVillage:
				res.Villages++
				if r.Kind == zhili.KindCommunity {
					res.Communities++
				}
			case r.Level == zhili.LevelGrid:
				res.Grids++
				if r.Kind == zhili.KindDedicated {
					res.DedicatedGrids++
				}
			}
		}
		if offset += len(page); offset >= total || len(page) == 0 {
			break
		}
	}
	if _, err := regions.SetBoundaries(ctx, w.boundaries()); err != nil {
		return nil, fmt.Errorf("set boundaries: %w", err)
	}
	units := sqlstore.NewUnitService(w.db)
	for _, u := range w.units {
		unit := &zhili.Unit{Kind: u.kind, Name: u.name, RegionID: w.regionID[u.region.Code], ParentID: w.unitID[u.parent], Code: u.code}
		if err := units.CreateUnit(ctx, unit); err != nil {
			return nil, fmt.Errorf("unit %s: %w", u.name, err)
		}
		w.unitID[u.key] = unit.ID
	}
	res.Units = len(w.units)
	people := sqlstore.NewPersonService(w.db)
	for _, ps := range w.people {
		person := &zhili.Person{Name: ps.name, RegionID: w.regionID[ps.home.Code], IDNumber: ps.idNumber, Phone: ps.phone}
		if err := people.CreatePerson(ctx, person); err != nil {
			return nil, fmt.Errorf("person %s: %w", ps.name, err)
		}
		w.personID[ps] = person.ID
		for _, at := range ps.positions {
			pos := &zhili.Position{PersonID: person.ID, Role: at.role, UnitID: w.unitID[at.unit], Start: at.start, End: at.end}
			if at.place != nil {
				pos.RegionID = w.regionID[at.place.Code]
			}
			if err := people.CreatePosition(ctx, pos); err != nil {
				return nil, fmt.Errorf("position of %s: %w", ps.name, err)
			}
			res.Positions++
		}
	}
	res.People = len(w.people)
	users := sqlstore.NewUserService(w.db)
	for k, a := range w.accounts {
		c := zhili.UserCreate{Username: a.username, Name: a.name, Role: a.role, UnitID: w.unitID[a.unit],
			PersonID: w.personID[a.person], Password: passwords[k]}
		u, err := users.CreateUser(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("account %s: %w", a.username, err)
		}
		res.Accounts = append(res.Accounts, Account{Username: u.Username, Name: u.Name, Role: u.Role, RoleLabel: u.Role.Label(),
			Unit: u.UnitName, Password: passwords[k], PersonID: u.PersonID})
	}
	county, err := regions.FindRegionByCode(ctx, CountyCode)
	if err != nil {
		return nil, fmt.Errorf("read county back: %w", err)
	}
	res.County = county
	return res, nil
}
