package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// SynthOptions sizes a synthetic data set of cases and ledger records for the
// indicator tests and benchmarks (bench/indicators). It writes rows directly, in
// large batches, and is never used outside tests, benchmarks and the demo.
type SynthOptions struct {
	Cases, LedgerRecords int
	// Regions are the regions records are placed in (grids, villages…).
	Regions []int64
	// Unit holds and supervises every case.
	Unit int64
	// From and To bound report times and record dates.
	From, To time.Time
	// Schemas are the ledgers records are made for, with values of their types.
	Schemas []*zhili.LedgerSchema
	Seed    uint64
	// Fast makes the database generate the cases itself (not reproducible by
	// Seed): ten million rows in minutes rather than an hour.
	Fast bool
}

var synthKinds = []string{"dispute", "dispute", "dispute", "hazard", "emergency", "livelihood", "labor_complaint"}
var synthStates = []string{"reported", "accepted", "handling", "resolved", "verified", "visited", "closed", "rejected", "duplicate", "suspended"}

// SynthIndicatorData inserts the synthetic records.
func (db *DB) SynthIndicatorData(ctx context.Context, o SynthOptions) error {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	span := o.To.Sub(o.From)
	at := func() time.Time { return o.From.Add(time.Duration(rng.Int64N(int64(span)))) }
	cases := o.Cases
	if o.Fast && db.dialect.name() == "sqlite" {
		restore, err := db.synthPragmas(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	if o.Fast && db.dialect.name() == "sqlite" {
		if err := db.synthCasesSQL(ctx, o); err != nil {
			return err
		}
		cases = 0
	}
	if o.Fast && db.dialect.name() == "postgres" {
		if err := db.synthCasesPG(ctx, o); err != nil {
			return err
		}
		cases = 0
	}
	if o.Fast {
		if err := db.synthVisits(ctx, o); err != nil {
			return err
		}
	}
	err := db.synthBatches(ctx, cases, `INSERT INTO cases (kind, category, title, source, risk, region_id, workers_paid, wages_recovered_fen,
		state, holder_unit_id, supervisor_unit_id, reported_at, resolved_at, updated_at) VALUES `, 14, func(i int) []any {
		kind := synthKinds[rng.IntN(len(synthKinds))]
		state := synthStates[rng.IntN(len(synthStates))]
		rep := at()
		var res any
		paid, fen := 0, int64(0)
		if state == "resolved" || state == "verified" || state == "visited" || state == "closed" {
			res = ts(rep.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour)))))
			if kind == "labor_complaint" {
				paid, fen = rng.IntN(30), rng.Int64N(5_000_000_00)
			}
		}
		return []any{kind, "other", "synthetic", "grid_member", "low", o.Regions[rng.IntN(len(o.Regions))], paid, fen,
			state, o.Unit, o.Unit, ts(rep), res, ts(rep)}
	})
	if err != nil || len(o.Schemas) == 0 {
		return err
	}
	var seq int64
	if err := db.queryRow(ctx, `SELECT value FROM ledger_seq WHERE one = 1`).Scan(&seq); err != nil {
		return fmt.Errorf("synth: ledger seq: %w", err)
	}
	err = db.synthBatches(ctx, o.LedgerRecords, `INSERT INTO ledger_records (ledger, region_id, record_date, data, created_at, updated_at, seq) VALUES `, 7, func(i int) []any {
		sc := o.Schemas[rng.IntN(len(o.Schemas))]
		day := at().In(zhili.ChinaTime).Format(time.DateOnly)
		data := SynthLedgerData(rng, sc, day)
		b, _ := json.Marshal(data)
		seq++
		return []any{sc.Name, o.Regions[rng.IntN(len(o.Regions))], day, string(b), ts(o.From), ts(o.From), seq}
	})
	if err != nil {
		return err
	}
	if _, err = db.write.ExecContext(ctx, db.dialect.rebind(`UPDATE ledger_seq SET value = ? WHERE one = 1`), seq); err != nil {
		return err
	}
	return db.Analyze(ctx) // as a city in use would have them (sqlstore/maintain.go)
}

// SynthLedgerData makes a record's data of the schema's field types, with
// optional fields sometimes left out.
func SynthLedgerData(rng *rand.Rand, sc *zhili.LedgerSchema, day string) map[string]any {
	data := map[string]any{}
	for _, f := range sc.Fields {
		if !f.Required && f.ID != sc.DateField && rng.IntN(8) == 0 {
			continue
		}
		switch f.Type {
		case zhili.FieldDate:
			data[f.ID] = day
		case zhili.FieldBoolean:
			data[f.ID] = rng.IntN(2) == 0
		case zhili.FieldEnum:
			data[f.ID] = f.Options[rng.IntN(len(f.Options))].Code
		case zhili.FieldInteger:
			data[f.ID] = rng.IntN(60)
		case zhili.FieldMoney:
			data[f.ID] = rng.Int64N(40_000_000) // up to 40万元, in fen
		case zhili.FieldDecimal:
			data[f.ID] = float64(rng.IntN(1000)) / 10
		case zhili.FieldPerson:
			if rng.IntN(2) == 0 {
				data[f.ID] = rng.IntN(40) + 1
			} else {
				data[f.ID] = fmt.Sprintf("人员%d", rng.IntN(40))
			}
		default:
			data[f.ID] = fmt.Sprintf("文本%d", rng.IntN(100))
		}
	}
	return data
}

// SynthChanges changes n random cases (state, resolution) and n random ledger
// records (data, region, deletion) the way writers do, change logs included.
func (db *DB) SynthChanges(ctx context.Context, n int, regions []int64, schemas map[string]*zhili.LedgerSchema, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var maxCase, maxRec int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM cases`).Scan(&maxCase); err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM ledger_records`).Scan(&maxRec); err != nil {
		return err
	}
	for i := 0; i < n && maxCase > 0; i++ {
		id := rng.Int64N(maxCase) + 1
		state := synthStates[rng.IntN(len(synthStates))]
		var res any
		if state == "resolved" || state == "closed" {
			res = ts(tx.now.Add(-time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))))
		}
		if _, err := tx.exec(ctx, `UPDATE cases SET state = ?, resolved_at = ?, region_id = ?, workers_paid = ? WHERE id = ?`,
			state, res, regions[rng.IntN(len(regions))], rng.IntN(9), id); err != nil {
			return fmt.Errorf("synth case change: %w", err)
		}
	}
	for i := 0; i < n && maxRec > 0; i++ {
		id := rng.Int64N(maxRec) + 1
		seq, err := tx.nextLedgerSeq(ctx, 1)
		if err != nil {
			return err
		}
		if rng.IntN(3) == 0 {
			_, err = tx.exec(ctx, `UPDATE ledger_records SET deleted_at = ?, seq = ? WHERE id = ?`, ts(tx.now), seq, id)
		} else {
			var name, day string
			if err := tx.queryRow(ctx, `SELECT ledger, record_date FROM ledger_records WHERE id = ?`, id).Scan(&name, &day); err != nil {
				return err
			}
			b, _ := json.Marshal(SynthLedgerData(rng, schemas[name], day))
			_, err = tx.exec(ctx, `UPDATE ledger_records SET data = ?, region_id = ?, seq = ? WHERE id = ?`, string(b), regions[rng.IntN(len(regions))], seq, id)
		}
		if err != nil {
			return fmt.Errorf("synth ledger change: %w", err)
		}
	}
	return tx.Commit()
}

// synthBatches inserts n rows of cols columns in multi-row INSERTs, 50,000 rows
// a transaction.
func (db *DB) synthBatches(ctx context.Context, n int, head string, cols int, row func(i int) []any) error {
	const per, perTx = 400, 50_000
	one := "(" + placeholders(cols) + ")"
	for done := 0; done < n; {
		tx, err := db.begin(ctx)
		if err != nil {
			return err
		}
		for end := min(n, done+perTx); done < end; {
			k := min(per, end-done)
			args := make([]any, 0, k*cols)
			for j := 0; j < k; j++ {
				args = append(args, row(done+j)...)
			}
			if _, err := tx.exec(ctx, head+strings.TrimSuffix(strings.Repeat(one+", ", k), ", "), args...); err != nil {
				tx.Rollback()
				return fmt.Errorf("synth insert: %w", err)
			}
			done += k
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// QueryRowsDiscard runs a read query and reads every row without keeping it:
// the benchmarks' baseline of plain SQL.
func (db *DB) QueryRowsDiscard(ctx context.Context, q string, args ...any) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	dst := make([]any, len(cols))
	for i := range dst {
		dst[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// synthCasesSQL has SQLite generate the cases from a recursive series, a
// million a transaction, with the same mix as SynthIndicatorData.
func (db *DB) synthCasesSQL(ctx context.Context, o SynthOptions) error {
	from, span := o.From.Unix(), int64(o.To.Sub(o.From)/time.Second)
	kinds, _ := json.Marshal(synthKinds)
	states, _ := json.Marshal(synthStates)
	for done := 0; done < o.Cases; {
		n := min(1_000_000, o.Cases-done)
		tx, err := db.begin(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS synth_regions (n INTEGER PRIMARY KEY, id INTEGER NOT NULL)`); err != nil {
			tx.Rollback()
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM synth_regions`); err != nil {
			tx.Rollback()
			return err
		}
		for i, id := range o.Regions {
			if _, err := tx.exec(ctx, `INSERT INTO synth_regions (n, id) VALUES (?, ?)`, i, id); err != nil {
				tx.Rollback()
				return err
			}
		}
		q := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?),
			r AS MATERIALIZED (SELECT json_extract('` + string(kinds) + `', '$[' || (abs(random()) % ?) || ']') AS kind,
				json_extract('` + string(states) + `', '$[' || (abs(random()) % ?) || ']') AS state,
				abs(random()) % ? AS reg, ? + abs(random()) % ? AS rep, abs(random()) % 1728000 AS took FROM s),
			t AS (SELECT *, state IN ('resolved', 'verified', 'visited', 'closed') AS done FROM r)
			INSERT INTO cases (kind, category, title, source, risk, region_id, workers_paid, wages_recovered_fen,
				state, holder_unit_id, supervisor_unit_id, reported_at, resolved_at, updated_at)
			SELECT kind, 'other', 'synthetic', 'grid_member', 'low', (SELECT id FROM synth_regions WHERE n = reg),
				CASE WHEN done AND kind = 'labor_complaint' THEN abs(random()) % 30 ELSE 0 END,
				CASE WHEN done AND kind = 'labor_complaint' THEN abs(random()) % 500000000 ELSE 0 END,
				state, ?, ?, strftime('%Y-%m-%dT%H:%M:%S', rep, 'unixepoch') || '.000000Z',
				CASE WHEN done THEN strftime('%Y-%m-%dT%H:%M:%S', rep + took, 'unixepoch') || '.000000Z' END,
				strftime('%Y-%m-%dT%H:%M:%S', rep, 'unixepoch') || '.000000Z' FROM t`
		if _, err := tx.exec(ctx, q, n, len(synthKinds), len(synthStates), len(o.Regions), from, span, o.Unit, o.Unit); err != nil {
			tx.Rollback()
			return fmt.Errorf("synth cases: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// synthPragmas makes the SQLite write connection fast for a throwaway data set:
// no sync at commit and a 4 GB page cache, so that ten million rows with their
// eight random-key indexes are built in memory rather than read back from disk
// at every insert. It returns the function that puts the durable settings back
// (Open's synchronous=FULL and the default cache). Generation only: a crash
// during it can corrupt the database, which is then generated again.
func (db *DB) synthPragmas(ctx context.Context) (func(), error) {
	for _, p := range []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -4000000`} {
		if _, err := db.write.ExecContext(ctx, p); err != nil {
			return nil, fmt.Errorf("synth: %s: %w", p, err)
		}
	}
	return func() {
		db.write.ExecContext(context.Background(), `PRAGMA synchronous = FULL`)
		db.write.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	}, nil
}

// synthCasesPG has PostgreSQL generate the cases from generate_series, a
// million a transaction, with the same mix as SynthIndicatorData.
func (db *DB) synthCasesPG(ctx context.Context, o SynthOptions) error {
	quote := func(xs []string) string {
		q := make([]string, len(xs))
		for i, x := range xs {
			q[i] = "'" + x + "'"
		}
		return "ARRAY[" + strings.Join(q, ", ") + "]"
	}
	regs := make([]string, len(o.Regions))
	for i, id := range o.Regions {
		regs[i] = fmt.Sprint(id)
	}
	pick := func(arr string, n int) string {
		return "(" + arr + ")[1 + floor(random() * " + fmt.Sprint(n) + ")::int]"
	}
	stamp := func(sec string) string {
		return `to_char(to_timestamp(` + sec + `) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.000000Z'`
	}
	from, span := o.From.Unix(), int64(o.To.Sub(o.From)/time.Second)
	q := `WITH r AS (SELECT ` + pick(quote(synthKinds), len(synthKinds)) + ` AS kind, ` + pick(quote(synthStates), len(synthStates)) + ` AS state,
			` + pick("ARRAY["+strings.Join(regs, ", ")+"]::bigint[]", len(regs)) + ` AS reg,
			` + fmt.Sprint(from) + ` + floor(random() * ` + fmt.Sprint(span) + `)::bigint AS rep, floor(random() * 1728000)::bigint AS took
			FROM generate_series(1, ?)),
		t AS (SELECT *, state IN ('resolved', 'verified', 'visited', 'closed') AS done FROM r)
		INSERT INTO cases (kind, category, title, source, risk, region_id, workers_paid, wages_recovered_fen,
			state, holder_unit_id, supervisor_unit_id, reported_at, resolved_at, updated_at)
		SELECT kind, 'other', 'synthetic', 'grid_member', 'low', reg,
			CASE WHEN done AND kind = 'labor_complaint' THEN floor(random() * 30)::int ELSE 0 END,
			CASE WHEN done AND kind = 'labor_complaint' THEN floor(random() * 500000000)::bigint ELSE 0 END,
			state, ?, ?, ` + stamp("rep") + `, CASE WHEN done THEN ` + stamp("rep + took") + ` END, ` + stamp("rep") + ` FROM t`
	for done := 0; done < o.Cases; {
		n := min(1_000_000, o.Cases-done)
		if _, err := db.write.ExecContext(ctx, db.dialect.rebind(q), n, o.Unit, o.Unit); err != nil {
			return fmt.Errorf("synth cases: %w", err)
		}
		done += n
	}
	return nil
}

// synthVisits gives the generated cases return visits as a working city has
// them: visited and closed cases get a visit time 0–13 days after resolution,
// and all but one in a thousand resolved or verified cases resolved more than
// 18 days before To are visited, so the monthly bulletin names hundreds of
// missed visits rather than every resolved case.
func (db *DB) synthVisits(ctx context.Context, o SynthOptions) error {
	visit := `strftime('%Y-%m-%dT%H:%M:%S', resolved_at, '+' || (id % 14) || ' days') || '.000000Z'`
	if db.dialect.name() == "postgres" {
		visit = `to_char((resolved_at::timestamptz AT TIME ZONE 'UTC') + (id % 14) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS') || '.000000Z'`
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE cases SET visited_at = `+visit+
		` WHERE state IN ('visited', 'closed') AND resolved_at IS NOT NULL`); err != nil {
		return fmt.Errorf("synth visits: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, db.dialect.rebind(`UPDATE cases SET state = 'visited', visited_at = `+visit+
		` WHERE state IN ('resolved', 'verified') AND resolved_at < ? AND id % 1000 <> 0`), ts(o.To.AddDate(0, 0, -18))); err != nil {
		return fmt.Errorf("synth visits: %w", err)
	}
	return nil
}
