// Package demo fills an empty database with 青山县, a fictional county, so that
// `zhili serve --demo` shows a living system on first start: a map of grids,
// the units of a county's social-governance system, the people in their posts
// and one account for every role.
//
// # Using it
//
//	ctx := zhili.NewContextWithActor(ctx, zhili.SystemActor("demo"))
//	res, err := demo.Seed(ctx, db, demo.Options{Seed: 1})
//	...
//	res.WriteAccounts(os.Stdout)
//
// Seed refuses, changing nothing, if the database already has a region. It
// writes the regions and their boundaries, units, people, positions, accounts,
// a year of cases and the daily sweeps in one transaction (sqlstore.DemoBatch):
// the same rows, timeline events and audit entries the services would have
// written day by day, the audit chain in time order, every ID number and phone
// encrypted and masked. A failure there leaves the database empty. The Fillers
// come after, in transactions of their own (the ledgers in a second DemoBatch);
// if one fails, the audit entries that bracket the seed tell the next Seed,
// which refuses and says to recreate the database. Passwords of the demo
// accounts are hashed as the database is configured (sqlstore.DB.FastPasswords),
// in the background while the batch is written.
//
// # The county
//
// Nothing in it is real. The name 青山县 and the code 419901000000 are invented:
// 41 is Henan, and 9901 is a county code no real county uses. Everything is
// derived from Options.Seed, so one seed always gives the same county; only the
// generated passwords differ from run to run.
//
// With the default Options the county has 12 townships, about 204 villages and
// communities and about 820 grids:
//
//   - Townships (乡镇、街道), codes 419901NNN000: the streets 东城街道 and 西城街道
//     (001–099) and the town 城关镇 (100–199) make up the county seat
//     (county_seat); the other towns (镇, 100–199) such as 石门镇, 白河镇, 桃园镇
//     and the 乡 (200–299) such as 柳林乡, 松岭乡 lie around it.
//   - Villages and communities (村、社区), codes township prefix + NNN: communities
//     001–099, villages 201–. Streets have only communities, the seat town's
//     inner half are communities, and every other town has one community named
//     after it (石门社区). Names are built from syllables (张庄村, 杨树沟村,
//     白石岭村) or from the usual urban names (新华社区, 滨河社区) and are unique
//     in the county. A township has between 3 fewer and 3 more villages than
//     Options.VillagesPerTownship.
//   - Grids (网格), codes village code + NNN: Options.GridsPerVillage comprehensive
//     grids in every village, named 张庄村第一网格, numbered from the north-west;
//     and six dedicated grids (专属网格) in the seat for its schools, hospitals,
//     market and industrial park (青山县第一高级中学专属网格), numbered after the
//     comprehensive grids of their village.
//
// # Boundaries
//
// Every region has a GeoJSON boundary in WGS-84, within Area (lng 113.5–113.9,
// lat 34.5–34.8). Grids are the cells of a jittered lattice, as in
// geo.SyntheticGrids: neighbours share every vertex, so grids tile without gaps
// or overlaps. The county is a blob of cells grown around the middle of the
// lattice with a wobbling radius; the seat's townships are sectors of a disc in
// its middle and the other townships sectors of the ring around it; townships
// are cut into villages by recursive bisection, each cut chosen so both halves
// stay connected. A dedicated grid is a small octagon cut out of a
// comprehensive grid as a hole, so it lies inside that grid without overlapping
// it.
//
// Boundaries of villages, townships and the county are the exact union of
// their cells: the cell sides not shared within the region, chained into rings,
// so a village's boundary follows its grids' edges exactly and neighbouring
// villages share theirs. A region made of one piece is a Polygon; one in
// several pieces (only in very small demo counties) is a MultiPolygon.
//
// # Units
//
//   - An office (UnitOffice) for every region: 青山县人民政府, 石门镇人民政府,
//     东城街道办事处, 张庄村村民委员会, 新华社区居民委员会.
//   - At the county, the three centres: 青山县社会治安综合治理中心,
//     青山县矛盾纠纷综合调处服务中心 and 青山县法律服务中心; and in every township
//     a governance centre (石门镇综治中心, kind governance_center).
//   - The leading group 平安青山建设（市域社会治理）工作领导小组 and its eight
//     special groups (矛盾纠纷化解专项组 … 宣传引导专项组).
//   - Departments with their codes: police 青山县公安局, court 青山县人民法院,
//     procuratorate 青山县人民检察院, justice 青山县司法局, labor
//     青山县人力资源和社会保障局, civil_affairs 青山县民政局, housing
//     青山县住房和城乡建设局, finance 青山县金融工作办公室, education 青山县教育局;
//     and 青山县人大常委会 (code npc, kind department) for the supervisor account.
//
// # People and positions
//
// About 2,200 invented people (a surname and one or two given characters), each
// with a resident ID number issued in the county (prefix 419901, a birth date
// between 1962 and 2002, the sex digit and a correct GB 11643 check character)
// and a mobile number, both unique. Positions start between 2024-01-01 and
// 2026-02-28:
//
//   - a grid member (grid_member) in every grid, two in about one grid in ten;
//   - a grid leader (grid_leader), a mediator and three legal literates
//     (legal_literate) in every village or community;
//   - a legal adviser (legal_adviser) for every village or community, each
//     adviser serving two to four neighbouring ones (one person, several
//     positions);
//   - ten centre staff (center_staff) in each county centre, six mediators at the
//     county mediation centre, three staff and two mediators at every township
//     governance centre;
//   - the leading group's leader, the special groups' leaders (also members of
//     the leading group) and their members.
//
// About one grid member, grid leader, village mediator or legal literate in
// twenty left during 2024–2026 and was followed, days or weeks later, by a
// successor; so counts as of a day (PersonService.CountPeople) move with the day.
//
// # Accounts
//
// One account per role, in Result.Accounts with its first password.
// Result.WriteAccounts prints them for the terminal, one a line under a
// header, columns padded by display width (a Chinese character is two):
//
//	用户名     角色                  单位                            姓名        密码
//	admin      系统管理员            青山县人民政府                  系统管理员  Eew7Bj!9Nky3Kp
//	secadmin   安全管理员            青山县人民政府                  安全管理员  …
//	auditor    审计管理员            青山县人民政府                  审计管理员
//	leader     领导                  青山县人民政府                  (the leading group's leader)
//	zhongxin   综治中心工作人员      青山县社会治安综合治理中心      (one of its staff)
//	chengguan  乡镇（街道）工作人员  城关镇人民政府
//	shimen     乡镇（街道）工作人员  石门镇人民政府
//	cunwei     村（社区）工作人员    (the first village of 石门镇)村民委员会
//	wangge     网格员                (the same village)村民委员会    (the person in its first grid)
//	tiaojie    调解员                青山县矛盾纠纷综合调处服务中心  (one of its mediators)
//	gongan     部门用户              青山县公安局
//	renda      监督（只读）          青山县人大常委会
//
// The names are generated; the accounts marked with a person are linked to it
// (User.PersonID). Result.String summarises the counts and never shows a
// password.
//
// With an empty Options.Password every account gets its own random 14-character
// password that passes password.CheckPolicy; the CLI prints them once. The three
// administrators must still enrol a second factor at first login.
//
// Besides the demo accounts the county works with about 1,150 working accounts
// (Result.WorkingAccounts): every grid member in post (wg + the grid code's last
// nine digits + a number), an operator for every village office (cw + the
// village code's last six digits, linked to its grid leader), township office
// and township centre (the township's pinyin, and pinyin+"zz") and department
// (sifa, renshe, minzheng…). Their passwords are random and thrown away: an
// administrator resets one to use it.
//
// # Cases
//
// Options.CasesPerGrid cases a year per grid (default 15, about 12,300), reported
// on working days (fewer at weekends) between 08:00 and 18:00 China time in the
// year up to Options.Today. Kinds: disputes 58％ (in the dispute categories of
// the case category tree, neighbours and families most), hazards 17％,
// livelihood needs 14％, labour complaints 7％ (workers, wages owed in fen, and
// on resolution the workers paid and wages recovered) and emergencies 4％.
// Parties have valid fictional ID numbers and phones. A case comes by a grid
// member's report (held by the village), a walk-in at the township office, the
// hotline or the web (held by the township centre) or a department.
//
// Each case runs through the workflow with the rules of the services: the
// holder accepts, a township assigns it down to the village, to a department
// or the mediation centre, the holder starts and resolves it with a method and an
// outcome, the supervising unit verifies, visits (satisfaction 1–5) and closes.
// Deadlines come from the deadline table and the working calendar; a step done
// after its deadline gets the supervision job's 督办 event and case_overdue row
// at the job's ten-minute run. About 11％ of cases are handled late, 9％ visited
// more than ten days after resolution, 7％ of village cases escalated, some
// assigned cases returned, some extended, suspended and resumed, about 2％ linked as
// duplicates, 1％ of disputes rejected, 2％ stuck at a step long overdue. Actions that would
// fall after today are not taken, so recent cases are open at every step.
//
// # Sweeps
//
// For the Options.SweepDays days before today (default 30) every grid member in
// post files the day's 日排查 most days (96％ of working days, 88％ of weekends;
// one member in twenty is lax), in the evening or the next morning, so
// yesterday's missing-sweeps list names a few grids.
//
// # Later data
//
// Fillers runs after the batch, through the services: the market regulator and
// its account (org_fill.go), the report settings (settings_fill.go), a year of
// ledger records for every ledger (ledger_fill.go), department reports for every
// metric (deptreport_fill.go) and the work plan's tasks (task_fill.go). Together
// they make every FIGURES.md figure non-zero (figures_fill_test.go).
package demo
