package demo

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"math/big"
	"math/rand/v2"
	"runtime/debug"
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
	// Today is the demo's "today": the cases cover the year up to it and the
	// sweeps the days before it. Zero takes the database clock's now.
	Today time.Time
	// CasesPerGrid is the number of cases a year per grid; default 15, negative
	// for none.
	CasesPerGrid int
	// SweepDays is how many days before today grid members have filed their daily
	// sweeps; default 30, negative for none.
	SweepDays int
	// failAfter makes Seed fail after the part of that name (a Phase name), for
	// tests of a seed that fails part-way.
	failAfter string
}

// Defaults of Options.
const (
	DefaultTownships           = 12
	DefaultVillagesPerTownship = 17
	DefaultGridsPerVillage     = 4
	DefaultCasesPerGrid        = 15
	DefaultSweepDays           = 30
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
	// WorkingAccounts are the other accounts: grid members, village, township and
	// department operators, with passwords nobody knows.
	WorkingAccounts int
	Cases           int           // cases reported in the year before Today
	Sweeps          int           // daily sweeps filed
	Today           time.Time     // the demo's today
	Elapsed         time.Duration // how long Seed took
	// Phases are how long each part of Seed took, in order: the regions, the
	// organisation, the cases and sweeps, the commit, then each Filler by name.
	Phases []Phase
}

// Phase is one part of Seed and how long it took.
type Phase struct {
	Name    string
	Elapsed time.Duration
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
	if o.CasesPerGrid == 0 {
		o.CasesPerGrid = DefaultCasesPerGrid
	}
	if o.SweepDays == 0 {
		o.SweepDays = DefaultSweepDays
	}
	switch {
	case o.Townships < 1 || o.Townships > MaxTownships:
		return o, zhili.Errorf(zhili.EINVALID, "The demo county has 1 to %d townships, not %d.", MaxTownships, o.Townships)
	case o.VillagesPerTownship < 1 || o.VillagesPerTownship > 99:
		return o, zhili.Errorf(zhili.EINVALID, "A demo township has 1 to 99 villages, not %d.", o.VillagesPerTownship)
	case o.GridsPerVillage < 1 || o.GridsPerVillage > 50:
		return o, zhili.Errorf(zhili.EINVALID, "A demo village has 1 to 50 grids, not %d.", o.GridsPerVillage)
	case o.CasesPerGrid > 200:
		return o, zhili.Errorf(zhili.EINVALID, "A demo grid has at most 200 cases a year, not %d.", o.CasesPerGrid)
	case o.SweepDays > 366:
		return o, zhili.Errorf(zhili.EINVALID, "Demo sweeps go back at most 366 days, not %d.", o.SweepDays)
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
// It is not one transaction: it writes one batch (regions, units, people,
// accounts, cases, sweeps), then the Fillers, which work through the services. Its first audit entry
// (sqlstore.DemoSeedBegun) and its last (sqlstore.DemoSeedFinished) bracket the
// seed, and a later Seed on a database where it failed part-way refuses with an
// error saying to recreate the database (not ECONFLICT).
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
		begun, finished, err := db.DemoSeedState(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		if begun && !finished {
			return nil, fmt.Errorf("demo: seeding the demo county on this database failed part-way, so it holds half a county; " +
				"drop and recreate the database (SQLite: delete the database files) and start again (docs/demo.md, Reset)")
		}
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
	res, err := write(ctx, db, p, opt, passwords)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// write stores the plan: the regions, units, people, positions, accounts, a
// year of cases and the sweeps in one batch, then the Fillers.
func write(ctx context.Context, db *sqlstore.DB, p *plan, opt Options, passwords []string) (*Result, error) {
	// The batch holds a few hundred thousand small rows; collecting garbage less
	// often while it is built saves a quarter of the time.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	today := opt.Today
	if today.IsZero() {
		today = db.Clock.Now()
	}
	today = today.UTC().Truncate(time.Microsecond)
	// The county was set up some weeks before the year of cases, on a working morning.
	setup := zhili.StartOfDay(today.AddDate(-1, 0, -45)).Add(9 * time.Hour).UTC()
	w := &writer{plan: p, db: db, sys: zhili.ActorFromContext(ctx), setup: setup, regionID: map[string]int64{}, unitID: map[string]int64{},
		unit: map[string]*unitInfo{}, unitByID: map[int64]*unitInfo{}, members: map[*node][]member{}, personID: map[*personSpec]int64{},
		accountOf: map[string]*zhili.Actor{}, res: &Result{Today: today}}
	// The demo accounts' passwords are hashed as the database is configured (a
	// slow hash of two threads, 0.1–0.2 s each), in the background while the
	// batch is written; setHashes stores them before the commit.
	hashes := make([]string, len(passwords))
	hashed := make(chan error, 1)
	go func() {
		var err error
		for k := 0; k < len(passwords) && err == nil; k++ {
			hashes[k], err = db.DemoHashPassword(passwords[k])
		}
		hashed <- err
	}()
	defer func() { <-hashed }()
	w.hashes = func() ([]string, error) {
		err := <-hashed
		hashed <- err
		return hashes, err
	}
	if err := w.auditSeed(ctx, sqlstore.DemoSeedBegun, setup.Add(-time.Minute), map[string]any{"seed": opt.Seed,
		"today": today.In(zhili.ChinaTime).Format(zhili.DayLayout), "started_at": sqlstore.DemoTS(time.Now())}); err != nil {
		return nil, err
	}
	mark := time.Now()
	phase := func(name string) error {
		now := time.Now()
		w.res.Phases = append(w.res.Phases, Phase{Name: name, Elapsed: now.Sub(mark)})
		mark = now
		if name == opt.failAfter {
			return fmt.Errorf("failing after %s, as the test asked", name)
		}
		return nil
	}
	b, err := db.BeginDemoBatch(ctx)
	if err != nil {
		return nil, err
	}
	defer b.Rollback()
	w.b = b
	if err := w.writeRegions(ctx); err != nil {
		return nil, err
	}
	if err := phase("regions"); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0xca5e_0000_9901))
	if err := w.writeUnits(ctx); err != nil {
		return nil, err
	}
	if err := w.writePeople(ctx); err != nil {
		return nil, err
	}
	if err := w.writeAccounts(ctx, passwords, rng); err != nil {
		return nil, err
	}
	if err := b.Flush(ctx); err != nil {
		return nil, err
	}
	if err := phase("organisation"); err != nil {
		return nil, err
	}
	if opt.CasesPerGrid > 0 || opt.SweepDays > 0 {
		s, err := w.simulate(ctx, today, opt, rng)
		if err != nil {
			return nil, err
		}
		if opt.SweepDays > 0 {
			s.sweeps(opt.SweepDays, rng)
		}
		if w.res.Cases, w.res.Sweeps, err = s.write(ctx); err != nil {
			return nil, err
		}
	}
	if err := phase("cases and sweeps"); err != nil {
		return nil, err
	}
	if err := w.setHashes(ctx); err != nil {
		return nil, err
	}
	if err := b.Commit(ctx); err != nil {
		return nil, err
	}
	if err := phase("commit"); err != nil {
		return nil, err
	}
	county, err := sqlstore.NewRegionService(db).FindRegionByCode(ctx, CountyCode)
	if err != nil {
		return nil, fmt.Errorf("read county back: %w", err)
	}
	w.res.County = county
	f := &Fill{DB: db, Today: today, Seed: opt.Seed, County: county, Regions: w.regionID, Units: w.unitID, Accounts: w.accountOf}
	for _, fill := range Fillers {
		if err := fill.Run(ctx, f); err != nil {
			return nil, fmt.Errorf("%s: %w", fill.Name, err)
		}
		if err := phase(fill.Name); err != nil {
			return nil, err
		}
	}
	if err := w.auditSeed(ctx, sqlstore.DemoSeedFinished, today, map[string]any{"regions": len(w.regionID), "units": w.res.Units,
		"people": w.res.People, "cases": w.res.Cases, "sweeps": w.res.Sweeps, "finished_at": sqlstore.DemoTS(time.Now())}); err != nil {
		return nil, err
	}
	return w.res, nil
}

// auditSeed appends the seed's first or last audit entry, in a transaction of
// its own.
func (w *writer) auditSeed(ctx context.Context, action string, at time.Time, detail map[string]any) error {
	b, err := w.db.BeginDemoBatch(ctx)
	if err != nil {
		return err
	}
	defer b.Rollback()
	if err := b.Audit(w.sys, at, action, "demo", CountyCode, detail); err != nil {
		return err
	}
	return b.Commit(ctx)
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
		n, err := crand.Int(crand.Reader, big.NewInt(int64(len(set))))
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
