package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/password"
	"github.com/zhili-project/zhili/sqlstore"
)

// Options shape the demo county. Zero fields take the defaults.
type Options struct {
	// Seed picks the county: the same seed gives the same regions, names,
	// boundaries, units and people (but not the same generated passwords).
	Seed int64
	// Townships is the number of townships and streets, 1 to MaxTownships;
	// default 12.
	Townships int
	// VillagesPerTownship is the mean number of villages and communities in a
	// township (each has between 3 fewer and 3 more); default 17.
	VillagesPerTownship int
	// GridsPerVillage is the number of comprehensive grids of every village or
	// community; default 4.
	GridsPerVillage int
	// Password is the password of every demo account. Empty gives each account its
	// own strong random password, printed once in the Result.
	Password string
}

// Defaults of Options.
const (
	DefaultTownships           = 12
	DefaultVillagesPerTownship = 17
	DefaultGridsPerVillage     = 4
)

// Account is one demo account and its first password.
type Account struct {
	Username  string
	Name      string     // the holder's name: a generated person, or the administrator's title
	Role      zhili.Role // one account per role
	RoleLabel string     // the role's Chinese name
	Unit      string     // the name of the unit the account belongs to
	Password  string     // the first password, shown once; the database keeps its hash
	PersonID  int64      // the person the account belongs to, or zero
}

// Result says what Seed made. Its String never shows a password.
type Result struct {
	County         *zhili.Region // the county, with its boundary
	Townships      int           // townships and streets
	Villages       int           // villages and communities
	Communities    int           // of which communities
	Grids          int           // comprehensive and dedicated grids
	DedicatedGrids int           // of which dedicated grids
	Units          int           // offices, centres, groups and departments
	People         int           // people, including those who have left their post
	Positions      int           // positions, current and ended
	Accounts       []Account     // the demo accounts, in the order of the package documentation
	Elapsed        time.Duration // how long Seed took
}

// withDefaults fills zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Townships == 0 {
		o.Townships = DefaultTownships
	}
	if o.VillagesPerTownship == 0 {
		o.VillagesPerTownship = DefaultVillagesPerTownship
	}
	if o.GridsPerVillage == 0 {
		o.GridsPerVillage = DefaultGridsPerVillage
	}
	switch {
	case o.Townships < 1 || o.Townships > MaxTownships:
		return o, zhili.Errorf(zhili.EINVALID, "The demo county has 1 to %d townships, not %d.", MaxTownships, o.Townships)
	case o.VillagesPerTownship < 1 || o.VillagesPerTownship > 99:
		return o, zhili.Errorf(zhili.EINVALID, "A demo township has 1 to 99 villages, not %d.", o.VillagesPerTownship)
	case o.GridsPerVillage < 1 || o.GridsPerVillage > 50:
		return o, zhili.Errorf(zhili.EINVALID, "A demo village has 1 to 50 grids, not %d.", o.GridsPerVillage)
	}
	if o.Password != "" {
		if err := password.CheckPolicy(o.Password); err != nil {
			return o, zhili.Invalid("The demo password is too weak.", zhili.FieldError{Field: "password", Code: "weak", Reason: err.Error()})
		}
	}
	return o, nil
}

// Seed fills an empty database with the demo county 青山县 and returns its
// accounts and counts; see the package documentation for what it holds. ctx
// must carry the system actor (zhili.SystemActor). Seed refuses, changing
// nothing, if the database already has regions (and so units and accounts,
// which need regions).
// It is not one transaction: if it fails part-way, drop the database and start
// again.
func Seed(ctx context.Context, db *sqlstore.DB, opt Options) (*Result, error) {
	began := time.Now()
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if a := zhili.ActorFromContext(ctx); a == nil || !a.System {
		return nil, zhili.Errorf(zhili.EFORBIDDEN, "The demo county is seeded by the system (the zhili command), not by a user.")
	}
	regions := sqlstore.NewRegionService(db)
	if _, n, err := regions.FindRegions(ctx, zhili.RegionFilter{IncludeRetired: true, Limit: 1}); err != nil {
		return nil, fmt.Errorf("demo: count regions: %w", err)
	} else if n > 0 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The database already has %d regions; the demo county fills only an empty database.", n)
	}
	p := newPlan(opt)
	passwords := make([]string, len(p.accounts))
	for k := range passwords {
		if passwords[k] = opt.Password; passwords[k] == "" {
			if passwords[k], err = NewPassword(); err != nil {
				return nil, err
			}
		}
	}
	w := &writer{plan: p, db: db, regionID: map[string]int64{}, unitID: map[string]int64{}, personID: map[*personSpec]int64{}}
	res, err := w.write(ctx, passwords)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// Password alphabets: no 0/O, 1/l/I, so a password read off a screen is typed right.
const (
	upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lower   = "abcdefghijkmnopqrstuvwxyz"
	digits  = "23456789"
	symbols = "@#%+=?!"
)

// NewPassword returns a random 14-character password from crypto/rand that
// passes password.CheckPolicy: upper and lower case, digits and a symbol.
func NewPassword() (string, error) {
	pick := func(set string) (byte, error) {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return 0, fmt.Errorf("demo: random password: %w", err)
		}
		return set[n.Int64()], nil
	}
	for {
		b := make([]byte, 14)
		for k := range b {
			set := [...]string{upper, lower, lower, digits}[k%4]
			if k == 6 {
				set = symbols
			}
			c, err := pick(set)
			if err != nil {
				return "", err
			}
			b[k] = c
		}
		if password.CheckPolicy(string(b)) == nil {
			return string(b), nil
		}
	}
}
