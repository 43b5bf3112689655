package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/password"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
)

// unitInfo is a written unit with what the case workflow needs of it.
type unitInfo struct {
	*unitSpec
	id    int64
	actor *zhili.Actor // the account that acts for the unit on cases
}

// writer stores a plan in one sqlstore.DemoBatch with the rows and audit entries
// the services write.
type writer struct {
	*plan
	db       *sqlstore.DB
	b        *sqlstore.DemoBatch
	sys      *zhili.Actor
	setup    time.Time // when the county was set up: before the first case
	tick     time.Time // the time of the next setup row
	regionID map[string]int64
	unitID   map[string]int64
	unit     map[string]*unitInfo // by key
	unitByID map[int64]*unitInfo
	members  map[*node][]member // the grid members' accounts, by grid
	personID map[*personSpec]int64
	// accountOf is every account by username.
	accountOf map[string]*zhili.Actor
	res       *Result
	// hashes waits for the hashes of the demo accounts' passwords.
	hashes func() ([]string, error)
	// demoUsers are the ids of the demo accounts, in the order of their passwords.
	demoUsers []int64
}

// pendingHash is the password hash of a demo account until setHashes: it
// matches no password.
const pendingHash = "!pending"

// setHashes stores the hashes of the demo accounts' passwords, once they are
// ready: they take a second or two of CPU, done while the rest is written.
func (w *writer) setHashes(ctx context.Context) error {
	hashes, err := w.hashes()
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	if len(hashes) != len(w.demoUsers) {
		return fmt.Errorf("%d password hashes for %d demo accounts", len(hashes), len(w.demoUsers))
	}
	for k, id := range w.demoUsers {
		if err := w.b.SetPasswordHash(ctx, id, hashes[k]); err != nil {
			return err
		}
	}
	return nil
}

// now returns the setup time of the next row, a little after the last.
func (w *writer) now() time.Time {
	w.tick = w.tick.Add(20 * time.Millisecond)
	return w.tick
}

// member is a grid member's account and the day their post began.
type member struct {
	actor *zhili.Actor
	grid  *node
	start string
}

// writeRegions imports the regions and their boundaries in the batch, as the
// region service's ImportRegions and SetBoundaries would on the setup day.
func (w *writer) writeRegions(ctx context.Context) error {
	rows := w.rows()
	ids, err := w.b.ImportRegions(ctx, w.sys, w.setup, rows, w.setup.Add(time.Minute), w.boundaries())
	if err != nil {
		return fmt.Errorf("import regions: %w", err)
	}
	res := w.res
	for _, r := range rows {
		w.regionID[r.Code] = ids[r.Code]
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
	w.tick = w.setup.Add(2 * time.Minute)
	return nil
}

// writeUnits inserts the units as UnitService.CreateUnit would.
func (w *writer) writeUnits(ctx context.Context) error {
	var rows [][]any
	for _, u := range w.units {
		id, err := w.b.NextID(ctx, "units")
		if err != nil {
			return err
		}
		at := w.now()
		regionID := w.regionID[u.region.Code]
		rows = append(rows, []any{id, string(u.kind), u.name, regionID, nullID(w.unitID[u.parent]), u.code, sqlstore.DemoTS(at)})
		if err := w.b.Audit(w.sys, at, "unit.create", "unit", id, map[string]any{"kind": u.kind, "name": u.name, "region_id": regionID}); err != nil {
			return err
		}
		w.unitID[u.key] = id
		w.unit[u.key] = &unitInfo{unitSpec: u, id: id}
		w.unitByID[id] = w.unit[u.key]
	}
	w.res.Units = len(w.units)
	return w.b.Insert(ctx, "units", []string{"id", "kind", "name", "region_id", "parent_id", "code", "created_at"}, rows)
}

// writePeople inserts the people, encrypted and masked, and their positions, as
// PersonService.CreatePerson and CreatePosition would.
func (w *writer) writePeople(ctx context.Context) error {
	if w.db.Cipher == nil {
		return fmt.Errorf("create person: no field key configured for sensitive fields")
	}
	var people, positions [][]any
	for _, ps := range w.people {
		id, err := w.b.NextID(ctx, "people")
		if err != nil {
			return err
		}
		idEnc, err := w.db.Cipher.Encrypt(ps.idNumber)
		if err != nil {
			return fmt.Errorf("encrypt id number: %w", err)
		}
		phoneEnc, err := w.db.Cipher.Encrypt(ps.phone)
		if err != nil {
			return fmt.Errorf("encrypt phone: %w", err)
		}
		at, home := w.now(), w.regionID[ps.home.Code]
		people = append(people, []any{id, ps.name, home, idEnc, w.db.Cipher.Blind(ps.idNumber), sensitive.MaskIDNumber(ps.idNumber),
			phoneEnc, sensitive.MaskPhone(ps.phone), sqlstore.DemoTS(at)})
		if err := w.b.Audit(w.sys, at, "person.create", "person", id, map[string]any{"name": sensitive.MaskName(ps.name), "region_id": home}); err != nil {
			return err
		}
		w.personID[ps] = id
		for _, at := range ps.positions {
			pid, err := w.b.NextID(ctx, "positions")
			if err != nil {
				return err
			}
			pos := zhili.Position{ID: pid, PersonID: id, Role: at.role, UnitID: w.unitID[at.unit], Start: at.start, End: at.end}
			if at.place != nil {
				pos.RegionID = w.regionID[at.place.Code]
			} else {
				pos.RegionID = w.regionID[w.unit[at.unit].region.Code]
			}
			positions = append(positions, []any{pid, id, string(pos.Role), pos.RegionID, nullID(pos.UnitID), pos.Start, nullString(pos.End)})
			if err := w.b.Audit(w.sys, w.now(), "position.create", "position", pid, pos); err != nil {
				return err
			}
			w.res.Positions++
		}
	}
	w.res.People = len(w.people)
	if err := w.b.Insert(ctx, "people", []string{"id", "name", "region_id", "id_number_enc", "id_number_blind", "id_number_masked",
		"phone_enc", "phone_masked", "created_at"}, people); err != nil {
		return err
	}
	return w.b.Insert(ctx, "positions", []string{"id", "person_id", "role", "region_id", "unit_id", "start_day", "end_day"}, positions)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// cheapHash is how the working accounts' unknown random passwords are hashed: a
// 24-character random password needs no slow hash, and ~1,200 slow hashes would
// take minutes.
var cheapHash = password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// account is one account to insert.
type account struct {
	username, name string
	role           zhili.Role
	unit           string
	person         *personSpec
	password       string // the demo accounts' printed password, or "" for a random unknown one
}

// writeAccounts inserts the demo accounts (with their printed passwords, hashed
// as the database is configured) and the working accounts of the county (with
// random passwords nobody knows: an administrator resets one to hand it out), as
// UserService.CreateUser would.
func (w *writer) writeAccounts(ctx context.Context, passwords []string, rng *rand.Rand) error {
	var all []account
	for k, a := range w.accounts {
		all = append(all, account{a.username, a.name, a.role, a.unit, a.person, passwords[k]})
	}
	all = append(all, w.workingAccounts(rng)...)
	var rows [][]any
	for _, a := range all {
		hash := pendingHash // the printed password's hash comes before the commit (setHashes)
		if a.password == "" {
			pw, err := NewPassword()
			if err == nil {
				hash, err = password.HashWith(pw+pw, cheapHash)
			}
			if err != nil {
				return fmt.Errorf("hash password: %w", err)
			}
		}
		id, err := w.b.NextID(ctx, "users")
		if err != nil {
			return err
		}
		at, unitID := w.now(), w.unitID[a.unit]
		rows = append(rows, []any{id, a.username, a.name, string(a.role), unitID, nullID(w.personID[a.person]), hash, sqlstore.DemoTS(at), sqlstore.DemoTS(at)})
		if err := w.b.Audit(w.sys, at, "user.create", "user", id, map[string]any{"username": a.username, "role": a.role, "unit_id": unitID}); err != nil {
			return err
		}
		if a.password != "" {
			w.demoUsers = append(w.demoUsers, id)
		}
		actor := &zhili.Actor{UserID: id, Username: a.username, Role: a.role, UnitID: unitID, IP: "10.99.0.1"}
		w.accountOf[a.username] = actor
		if a.role == zhili.RoleGridMember && a.person != nil {
			for _, at := range a.person.positions {
				if at.role == zhili.PositionGridMember && at.end == "" {
					w.members[at.place] = append(w.members[at.place], member{actor: actor, grid: at.place, start: at.start})
				}
			}
		}
		if u := w.unit[a.unit]; u.actor == nil && a.role != zhili.RoleGridMember && a.role != zhili.RoleLeader && !a.role.IsAdmin() && a.role != zhili.RoleSupervisor {
			u.actor = actor
		}
		if k := len(w.res.Accounts); k < len(w.accounts) {
			w.res.Accounts = append(w.res.Accounts, Account{Username: a.username, Name: a.name, Role: a.role, RoleLabel: a.role.Label(),
				Unit: w.unit[a.unit].name, Password: a.password, PersonID: w.personID[a.person]})
		}
	}
	w.res.WorkingAccounts = len(all) - len(w.accounts)
	// The county office's supervising steps are taken by the county centre's operator.
	w.unit["office:"+CountyCode].actor = w.unit["center:"+string(zhili.UnitGovernanceCenter)].actor
	return w.b.Insert(ctx, "users", []string{"id", "username", "name", "role", "unit_id", "person_id", "password_hash",
		"password_changed_at", "created_at"}, rows)
}

// workingAccounts are the accounts the county works with besides the demo ones:
// every grid member in post, one operator for each village office, township
// office and township centre, and one user for each department.
func (w *writer) workingAccounts(rng *rand.Rand) []account {
	taken := map[string]bool{}
	linked := map[*personSpec]bool{}
	for _, a := range w.accounts {
		taken["unit:"+a.unit] = true
		linked[a.person] = true
	}
	gen := &names{rng: rng, used: map[string]bool{}}
	var out []account
	add := func(username string, role zhili.Role, unit string, person *personSpec) {
		if taken["unit:"+unit] && role != zhili.RoleGridMember {
			return
		}
		name, _ := gen.person()
		if person != nil {
			name = person.name
		}
		out = append(out, account{username: username, name: name, role: role, unit: unit, person: person})
	}
	for _, tn := range w.towns {
		add(tn.town.pinyin, zhili.RoleTownship, "office:"+tn.Code, nil)
		add(tn.town.pinyin+"zz", zhili.RoleCenter, "gc:"+tn.Code, nil)
		for _, v := range tn.children {
			add("cw"+v.Code[6:], zhili.RoleVillage, "office:"+v.Code, w.holder(zhili.PositionGridLeader, v))
		}
	}
	for _, d := range departments {
		add(deptUsernames[d.code], zhili.RoleDepartment, "dept:"+d.code, nil)
	}
	inGrid := map[*node]int{}
	for _, ps := range w.people {
		for _, at := range ps.positions {
			if at.role != zhili.PositionGridMember || at.end != "" || linked[ps] {
				continue
			}
			linked[ps] = true
			inGrid[at.place]++
			add(fmt.Sprintf("wg%s%d", at.place.Code[6:], inGrid[at.place]), zhili.RoleGridMember, "office:"+at.place.parent.Code, ps)
		}
	}
	return out
}

// holder is the person in post for role at place today, or nil.
func (w *writer) holder(role zhili.PositionRole, place *node) *personSpec {
	for _, ps := range w.people {
		for _, at := range ps.positions {
			if at.role == role && at.place == place && at.end == "" {
				return ps
			}
		}
	}
	return nil
}

// deptUsernames are the department users' usernames (gongan is a demo account).
var deptUsernames = map[string]string{"police": "gongan", "court": "fayuan", "procuratorate": "jianchayuan", "justice": "sifa",
	"labor": "renshe", "civil_affairs": "minzheng", "housing": "zhujian", "finance": "jinrong", "education": "jiaoyu"}
